// The published archive on PostgreSQL: see ../archive-files.ts. Bytes by sha256, names per
// week, all of a publish in one transaction; a name published with other bytes undoes it.
import { checked, sha256 } from '../archive-files.ts';
import type { ArchiveRepo } from '../face.ts';
import { inTransaction, type Queryable, rows } from './queryable.ts';

export function createPgArchive(q: Queryable): ArchiveRepo {
  return {
    publish: (week, files, at) =>
      inTransaction(q, async (c) => {
        // Two runners publishing one week at once: the second waits, then finds it published.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`publish:${week}`]);
        const had = new Map(
          (
            await c.query<{ name: string; sha256: string }>(
              'SELECT name, sha256 FROM archive_files WHERE week = $1',
              [week],
            )
          ).rows.map((r) => [r.name, r.sha256]),
        );
        let added = 0;
        for (const f of files) {
          const key = sha256(f.body);
          const old = had.get(f.name);
          if (old !== undefined && old !== key) {
            throw new Conflict();
          }
          if (old !== undefined) continue;
          await c.query(
            'INSERT INTO archive_blobs (sha256, body) VALUES ($1, $2) ON CONFLICT DO NOTHING',
            [key, f.body],
          );
          await c.query(
            'INSERT INTO archive_files (week, name, sha256, published_at) VALUES ($1, $2, $3, $4)',
            [week, f.name, key, at.toISOString()],
          );
          added++;
        }
        return added === 0 ? ('unchanged' as const) : ('published' as const);
      }).catch((e: unknown) => {
        if (e instanceof Conflict) return 'conflict' as const;
        throw e;
      }),

    async files(week) {
      const found = await rows<{ name: string; sha256: string; body: Buffer }>(
        q,
        `SELECT f.name, f.sha256, b.body FROM archive_files f JOIN archive_blobs b USING (sha256)
         WHERE f.week = $1 ORDER BY f.name`,
        [week],
      );
      return found.map((r) => checked(week, r.name, r.sha256, r.body));
    },
  };
}

class Conflict extends Error {}
