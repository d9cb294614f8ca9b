// The origin behind the edge function in the workerd test: echoes what reached it.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    return new Response(JSON.stringify({ origin: true, method: request.method, path: url.pathname }), {
      headers: { "content-type": "application/json" },
    });
  },
};
