/* Progressive enhancement for permalinks: adds a "Copy link" button beside each one.
   Without JavaScript (or without the Clipboard API) the permalink itself is the link to copy;
   nothing on the page depends on this file. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  document.querySelectorAll("a.permalink").forEach(function (link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "Copy link";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.href).then(function () {
        button.textContent = "Link copied";
        status.textContent = "Link copied to the clipboard";
        setTimeout(function () { button.textContent = "Copy link"; status.textContent = ""; }, 2000);
      }, function () {
        status.textContent = "Could not copy; use the permalink instead";
      });
    });
    link.insertAdjacentElement("afterend", button);
  });
})();
