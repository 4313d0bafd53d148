// A frozen week's archive, published into the database so every public server serves it,
// whichever host built it. Bytes are kept once by their sha256 (content-addressed) and checked
// against it on every read: a row changed behind the program's back is an error, not a page.
import { createHash } from 'node:crypto';
import { VerdictsError } from '../errors.ts';
import type { Db } from './db.ts';
import type { PublishedFile } from './face.ts';

export const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** The bytes as stored must hash to their key. */
export function checked(week: string, name: string, key: string, body: Buffer): PublishedFile {
  if (sha256(body) !== key) {
    throw new VerdictsError(
      'archive',
      'hash_mismatch',
      `the published ${name} of ${week} does not match its sha256 in the database; publish the week again from its archive`,
    );
  }
  return { name, body };
}

export function createArchiveFiles(db: Db) {
  const putBlob = db.prepare<[string, Buffer]>(
    'INSERT INTO archive_blobs (sha256, body) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const existing = db.prepare<[string, string], { sha256: string }>(
    'SELECT sha256 FROM archive_files WHERE week = ? AND name = ?',
  );
  const putFile = db.prepare<[string, string, string, string]>(
    'INSERT INTO archive_files (week, name, sha256, published_at) VALUES (?, ?, ?, ?)',
  );
  const list = db.prepare<[string], { name: string; sha256: string; body: Buffer }>(
    `SELECT f.name, f.sha256, b.body FROM archive_files f JOIN archive_blobs b USING (sha256)
     WHERE f.week = ? ORDER BY f.name`,
  );
  // A name already published with other bytes undoes the whole publish (it throws inside the
  // transaction): a frozen week's archive is never half replaced.
  const publishTx = db.transaction((week: string, files: readonly PublishedFile[], at: string) => {
    let added = 0;
    for (const f of files) {
      const key = sha256(f.body);
      const had = existing.get(week, f.name);
      if (had && had.sha256 !== key) throw new Conflict();
      if (had) continue;
      putBlob.run(key, f.body);
      putFile.run(week, f.name, key, at);
      added++;
    }
    return added === 0 ? ('unchanged' as const) : ('published' as const);
  });
  return {
    publish(week: string, files: readonly PublishedFile[], at: Date) {
      try {
        return publishTx.immediate(week, files, at.toISOString());
      } catch (e) {
        if (e instanceof Conflict) return 'conflict' as const;
        throw e;
      }
    },
    files: (week: string): PublishedFile[] =>
      list.all(week).map((r) => checked(week, r.name, r.sha256, r.body)),
  };
}

class Conflict extends Error {}
