// Hearts on house cards and the house page. Pages are the same for everyone (cacheable); this script asks
// GET /user/favorites/ids once and fills the hearts in. Cards added later (search's next pages) get one too.
// An anonymous visitor's tap leads to the login page and back.
(function () {
  "use strict";

  if (!window.ihome) return;
  var english = document.documentElement.lang === "en";
  var LABEL_ADD = english ? "Save to favourites" : "收藏";
  var LABEL_REMOVE = english ? "Remove from favourites" : "取消收藏";
  var favorites = null;  // a set of house ids once known; null while unknown or anonymous
  var anonymous = false, loading = false;

  function setState(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.setAttribute("aria-label", on ? LABEL_REMOVE : LABEL_ADD);
    button.title = on ? LABEL_REMOVE : LABEL_ADD;
    button.classList.toggle("on", on);
  }

  function heartFor(houseId) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fav-heart";
    button.dataset.houseId = houseId;
    button.textContent = "♥";
    setState(button, false);
    return button;
  }

  function decorate(card) {
    if (card.querySelector(".fav-heart")) return;
    var link = card.querySelector('a[href*="/houses/"]');
    var match = link && link.getAttribute("href").match(/\/houses\/(\d+)/);
    if (!match) return;
    var button = heartFor(match[1]);
    card.appendChild(button);
    if (favorites) setState(button, favorites.has(match[1]));
    load();
  }

  function paint() {
    document.querySelectorAll(".fav-heart").forEach(function (button) {
      setState(button, !!favorites && favorites.has(button.dataset.houseId));
    });
  }

  function toggle(button) {
    if (anonymous) {
      window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search));
      return;
    }
    if (!favorites) return;
    var houseId = button.dataset.houseId;
    var on = !favorites.has(houseId);
    ihome.busy(button, true);
    ihome.api(on ? "PUT" : "DELETE", "/houses/" + houseId + "/favorite").then(function () {
      if (on) favorites.add(houseId); else favorites.delete(houseId);
      paint();
    }).catch(function (error) {
      ihome.flash(error.message, true);
    }).then(function () { ihome.busy(button, false); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".fav-heart");
    if (!button) return;
    event.preventDefault();
    toggle(button);
  });

  function load() {
    if (loading) return;
    loading = true;
    ihome.api("GET", "/user/favorites/ids").then(function (data) {
      anonymous = !data.logged_in;
      favorites = anonymous ? null : new Set(data.house_ids.map(String));
      document.documentElement.dataset.favoritesLoaded = anonymous ? "anonymous" : "true";
      paint();
    }).catch(function (error) {
      anonymous = error.status === 401;
      document.documentElement.dataset.favoritesLoaded = anonymous ? "anonymous" : "error";
    });
  }

  document.querySelectorAll("li.house-card").forEach(decorate);
  document.querySelectorAll(".house-list").forEach(function (list) {
    new MutationObserver(function () { list.querySelectorAll("li.house-card").forEach(decorate); })
      .observe(list, { childList: true });
  });
  if (document.querySelector(".fav-heart")) load();  // no house on this page: no request
})();
