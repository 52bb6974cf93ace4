// A minimal DevTools protocol client over a target's own WebSocket (Node 20: --experimental-websocket),
// for targets Playwright does not hand out as pages (an extension's service worker). Shared by the
// benches that sample a worker's heap (sw-run.mjs, capture.mjs).

/** Connects to `url` (a target's webSocketDebuggerUrl); `send(method, params)` resolves with the result. */
export async function connectDevTools(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  let nextId = 0;
  const pending = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const settle = pending.get(message.id);
    if (settle === undefined) return;
    pending.delete(message.id);
    if (message.error) settle.reject(new Error(message.error.message));
    else settle.resolve(message.result);
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}
