import { Resend } from 'resend';
import { describe, expect, it } from 'vitest';
import { email, emails, useStandIn } from './stand-in-fixture.ts';

const start = useStandIn();

describe('resend stand-in: POST /emails/batch and /emails', () => {
  it('accepts a valid batch through the real SDK and records it in order', async () => {
    const { standIn, resend } = await start();
    const { data, error } = await resend.batch.send(emails(3));
    expect(error).toBeNull();
    expect(data?.data).toHaveLength(3);
    const got = standIn.deliveries();
    expect(got.map((d) => d.id)).toEqual(data?.data.map((d) => d.id));
    expect(got[0]).toMatchObject({
      to: ['reader0@example.com'],
      subject: 'This week: 3 verdicts',
      from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
      html: '<p>Hello reader 0</p>',
      tags: [{ name: 'issue', value: '2026-35' }],
      endpoint: '/emails/batch',
      requestNo: 1,
    });
    expect(got[2]?.headers?.['List-Unsubscribe']).toBe('<https://verdicts.example/u/2>');
    expect(standIn.countByRecipient().get('reader1@example.com')).toBe(1);
    expect(standIn.requests[0]).toMatchObject({
      method: 'POST',
      path: '/emails/batch',
      status: 200,
    });
    expect(standIn.requests[0]?.headers['x-batch-validation']).toBe('strict');
    expect(standIn.requests[0]?.headers['user-agent']).toMatch(/^resend-node:/);
  });

  it('accepts a single email on POST /emails', async () => {
    const { standIn, resend } = await start();
    const { data, error } = await resend.emails.send({
      ...email(7),
      replyTo: 'Ed <ed@verdicts.example>',
    });
    expect(error).toBeNull();
    expect(standIn.deliveries()).toEqual([
      expect.objectContaining({
        id: data?.id,
        endpoint: '/emails',
        reply_to: ['Ed <ed@verdicts.example>'],
      }),
    ]);
  });

  it('refuses 101 emails and an empty batch with 422', async () => {
    const { standIn, resend } = await start();
    const big = await resend.batch.send(emails(101));
    expect(big.error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    const empty = await resend.batch.send([]);
    expect(empty.error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(standIn.deliveries()).toHaveLength(0);
  });

  it('refuses a whole strict batch for one camelCase key, recording nothing', async () => {
    const { standIn, resend } = await start();
    const batch = [email(1), { ...email(2), replyTo: 'x@verdicts.example' }];
    const { error } = await resend.post('/emails/batch', batch);
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(error?.message).toMatch(/index 1.*replyTo/);
    expect(standIn.deliveries()).toHaveLength(0);
  });

  it('refuses a missing subject with 422 missing_required_field', async () => {
    const { standIn, resend } = await start();
    const { subject: _, ...noSubject } = email(2);
    const { error } = await resend.post('/emails/batch', [email(1), noSubject]);
    expect(error).toMatchObject({ statusCode: 422, name: 'missing_required_field' });
    expect(error?.message).toContain('subject');
    expect(standIn.deliveries()).toHaveLength(0);
  });

  it('refuses attachments, scheduled_at, bad tags, bad addresses and wrong types', async () => {
    const { standIn, resend } = await start();
    const bad = [
      { ...email(1), attachments: [{ filename: 'a.txt', content: 'aGk=' }] },
      { ...email(1), scheduled_at: '2026-09-01T08:00:00Z' },
      { ...email(1), tags: [{ name: 'issue:35', value: 'x' }] },
      { ...email(1), to: 'not-an-address' },
      { ...email(1), to: 42 },
    ];
    for (const item of bad) {
      const { error } = await resend.post('/emails/batch', [item]);
      expect(error, JSON.stringify(item)).toMatchObject({ statusCode: 422 });
    }
    expect(standIn.deliveries()).toHaveLength(0);
  });

  it('permissive mode records the valid emails and lists the errors', async () => {
    const { standIn, resend } = await start();
    const { subject: _, ...noSubject } = email(1);
    const res = await resend.post<{ data: unknown[]; errors: unknown[] }>(
      '/emails/batch',
      [email(0), noSubject, email(2)],
      { headers: { 'x-batch-validation': 'permissive' } },
    );
    expect(res.data?.data).toHaveLength(2);
    expect(res.data?.errors).toEqual([{ index: 1, message: expect.stringContaining('subject') }]);
    expect(standIn.deliveries().map((d) => d.to[0])).toEqual([
      'reader0@example.com',
      'reader2@example.com',
    ]);
  });

  it('strictFields: false lets unknown keys through; recordBodies: false keeps little', async () => {
    const { standIn, resend } = await start({ strictFields: false, recordBodies: false });
    const { error } = await resend.post('/emails', { ...email(1), replyTo: 'x@verdicts.example' });
    expect(error).toBeNull();
    const [d] = standIn.deliveries();
    expect(Object.keys(d ?? {}).sort()).toEqual(
      ['endpoint', 'headers', 'id', 'idempotencyKey', 'requestNo', 'subject', 'to'].sort(),
    );
  });

  it('401 without a key, 403 with a wrong key', async () => {
    const { standIn } = await start();
    const wrong = await new Resend('re_wrong', { baseUrl: standIn.url }).batch.send(emails(1));
    expect(wrong.error).toMatchObject({ statusCode: 403, name: 'invalid_api_key' });
    const res = await fetch(`${standIn.url}/emails`, {
      method: 'POST',
      body: JSON.stringify(email(1)),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      statusCode: 401,
      name: 'missing_api_key',
      message: expect.any(String),
    });
    expect(standIn.deliveries()).toHaveLength(0);
  });

  it('serves stats and counts duplicates per mailbox', async () => {
    const { standIn, resend } = await start();
    await resend.batch.send([email(1), email(2), email(1, { to: 'Reader <READER1@example.com>' })]);
    expect(standIn.countByRecipient().get('reader1@example.com')).toBe(2);
    const stats = await (await fetch(`${standIn.url}/__stand-in/stats`)).json();
    expect(stats).toEqual({
      accepted: 3,
      recipients: 2,
      duplicates: 1,
      requests: 1,
      byStatus: { 200: 1 },
    });
  });
});
