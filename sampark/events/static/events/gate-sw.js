/* The gate's service worker: keeps the gate page and its scripts so a phone that lost the
   network (or reloaded) still opens the gate; API calls always go to the network. */
var CACHE = "sampark-gate-v1";
self.addEventListener("install", function (ev) { self.skipWaiting(); });
self.addEventListener("activate", function (ev) { ev.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  if (req.method !== "GET" || req.url.indexOf("/api/") >= 0) { return; }
  ev.respondWith(
    fetch(req).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        caches.open(CACHE).then(function (c) { c.put(req, copy); });
      }
      return res;
    }).catch(function () {
      return caches.match(req).then(function (hit) { return hit || Response.error(); });
    })
  );
});
