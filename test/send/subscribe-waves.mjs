// The shared-rate test's sign-ups, on a thread of their own: the Resend stand-in runs on the
// test's main thread and stamps each request's arrival there, so 200 fetches and their answers
// on that thread would delay its stamps and make requests sent 200 ms apart look like a burst.
// workerData: { posts: [{ url, email, ip }], origin }. Posts in waves of 25 a quarter second
// apart, each from its own client (X-Forwarded-For); posts back the statuses, in order.
import { parentPort, workerData } from 'node:worker_threads';

const { posts, origin } = workerData;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const statuses = await Promise.all(
  posts.map(async ({ url, email, ip }, i) => {
    await sleep(Math.floor(i / 25) * 250);
    const res = await fetch(`${url}/subscribe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin,
        'x-forwarded-for': ip,
      },
      body: new URLSearchParams({ email, name: '', website: '' }).toString(),
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return res.status;
  }),
);
parentPort.postMessage(statuses);
