// recordroom: the little the pages need. Everything works without it.
(function () {
  "use strict";
  // Page images: a thumbnail shows its page in the large viewer.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.thumb");
    if (!link) return;
    event.preventDefault();
    var image = document.getElementById("page-image");
    var caption = document.getElementById("page-caption");
    if (!image) return;
    image.src = link.getAttribute("href");
    var total = document.querySelectorAll("a.thumb").length;
    var page = link.getAttribute("data-page");
    image.alt = "Page " + page + " of " + total;
    if (caption) caption.textContent = "Page " + page + " of " + total;
    document.querySelectorAll("a.thumb.current").forEach(function (el) { el.classList.remove("current"); });
    link.classList.add("current");
  });
  // Ask before a destructive form is sent.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // Automatic logoff: the server ends an idle session; this takes the screen away as well,
  // so no patient information stays on an unattended screen.
  var meta = document.querySelector('meta[name="idle-seconds"]');
  if (meta) {
    var limit = parseInt(meta.getAttribute("content"), 10) * 1000;
    var timer;
    var reset = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        window.location.assign("/login?expired=1&next=" + encodeURIComponent(window.location.pathname));
      }, limit + 5000);
    };
    ["keydown", "mousedown", "scroll", "touchstart"].forEach(function (name) {
      window.addEventListener(name, reset, { passive: true });
    });
    reset();
  }
})();
