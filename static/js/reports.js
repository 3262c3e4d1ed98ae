// Board report downloads: a PDF can take a second or two to lay out, so a link marked
// data-progress shows "Preparing…" until the file arrives. The server sets a cookie named
// after the token this script adds to the link; seeing it means the download has started.
(function () {
  "use strict";
  var status = document.getElementById("download-status");
  if (!status) { return; }
  document.querySelectorAll("a[data-progress]").forEach(function (link) {
    link.addEventListener("click", function () {
      var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("dl", token);
      link.href = url.toString();
      status.textContent = link.dataset.progress;
      status.hidden = false;
      var started = Date.now();
      var timer = window.setInterval(function () {
        var name = "dl_" + token + "=";
        if (document.cookie.indexOf(name) !== -1 || Date.now() - started > 60000) {
          window.clearInterval(timer);
          document.cookie = name + "; Max-Age=0; Path=/; SameSite=Lax";
          status.textContent = "";
          status.hidden = true;
        }
      }, 250);
    });
  });
})();
