import { describe, expect, it } from 'vitest';
import { PAGE_CACHE_KIB } from '../../src/store/db.ts';
import { useDb } from './db-fixture.ts';

describe('openDatabase', () => {
  const open = useDb();

  it('opens a WAL database that waits for other processes and enforces foreign keys', () => {
    const db = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(10_000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it("bounds the page cache below better-sqlite3's 16 MiB build default", () => {
    // Negative cache_size is KiB. The sender's peak RSS depends on it (npm run bench).
    const db = open();
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBeLessThan(16_000);
  });
});
