import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { isVerdictsError } from '../../src/errors.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import { tempDir } from '../support/paths.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { outgoing } from './transport-suite.ts';

const start = useStandIn();

describe('createTransport', () => {
  it('without RESEND_API_KEY: the outbox, writing under OUTBOX_DIR', async () => {
    const config = loadConfig({ OUTBOX_DIR: tempDir() });
    const t = createTransport(config);
    expect(t.name).toBe('outbox');
    expect((await t.sendOne(outgoing(0))).ok).toBe(true);
  });

  it('with RESEND_API_KEY: Resend at RESEND_BASE_URL', async () => {
    const { standIn } = await start();
    const config = loadConfig({ RESEND_API_KEY: KEY, RESEND_BASE_URL: `${standIn.url}/` });
    const t = createTransport(config);
    expect(t.name).toBe('resend');
    expect((await t.sendOne(outgoing(0))).ok).toBe(true);
    expect(standIn.deliveries()).toHaveLength(1);
  });

  it('use: outbox wins over a key; use: resend without a key is missing_api_key', () => {
    expect(createTransport(loadConfig({ RESEND_API_KEY: KEY }), { use: 'outbox' }).name).toBe(
      'outbox',
    );
    let thrown: unknown;
    try {
      createTransport(loadConfig({ RESEND_API_KEY: ' ' }), { use: 'resend' });
    } catch (e) {
      thrown = e;
    }
    expect(isVerdictsError(thrown) && [thrown.stage, thrown.code]).toEqual([
      'send',
      'missing_api_key',
    ]);
  });
});
