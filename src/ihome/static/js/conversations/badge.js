// The unread-messages badge in the navigation, fetched by script (the page itself is the same for everyone,
// so it stays cacheable). Anonymous visitors get logged_in false and no badge.
(function () {
  "use strict";

  var badge = document.getElementById("nav-unread");
  if (!badge || !window.ihome) return;

  function refresh() {
    return ihome.api("GET", "/conversations/unread").then(function (data) {
      badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
      badge.hidden = data.unread === 0;
      badge.dataset.count = String(data.unread);
    }).catch(function () { badge.hidden = true; });
  }

  window.ihome.refreshUnread = refresh;
  refresh();
})();
