// The host's photos on the edit page: delete (after a confirm), move earlier or later, set as cover.
// Plain buttons, so the keyboard and screen readers can do all of it (no drag and drop needed).
// Every change goes to the API (DELETE /houses/<id>/images/<image_id>, PUT /houses/<id>/images/order);
// the list is redrawn from what the server accepted, and a status line says what happened.
(function () {
  "use strict";

  var list = document.getElementById("photos");
  var form = document.getElementById("house-form");
  var status = document.getElementById("photo-status");
  if (!list || !form) return;
  var text = list.dataset;
  var photos = [];  // [{id, src}] in gallery order; the first is the cover

  function houseId() { return form.dataset.houseId; }

  function readList() {
    photos = Array.prototype.map.call(list.querySelectorAll("li"), function (li) {
      var img = li.querySelector("img");
      return { id: Number(li.dataset.imageId), src: img ? img.getAttribute("src") : "" };
    }).filter(function (photo) { return photo.id > 0; });
  }

  function button(action, label, index, disabled) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn secondary small photo-" + action;
    b.dataset.action = action;
    b.dataset.index = String(index);
    b.textContent = label;
    b.setAttribute("aria-label", label + " · " + text.photo.replace("{n}", String(index + 1)));
    b.disabled = !!disabled;
    return b;
  }

  function render() {
    list.textContent = "";
    photos.forEach(function (photo, index) {
      var li = document.createElement("li"), img = document.createElement("img"), tools = document.createElement("div");
      li.dataset.imageId = String(photo.id);
      img.src = photo.src;
      img.alt = text.photo.replace("{n}", String(index + 1));
      li.appendChild(img);
      if (index === 0) {
        var badge = document.createElement("span");
        badge.className = "photo-cover-badge";
        badge.textContent = text.cover;
        li.appendChild(badge);
      }
      tools.className = "photo-tools";
      tools.appendChild(button("earlier", text.earlier, index, index === 0));
      tools.appendChild(button("later", text.later, index, index === photos.length - 1));
      if (index > 0) tools.appendChild(button("cover", text.makeCover, index, false));
      tools.appendChild(button("delete", text["delete"], index, false));
      li.appendChild(tools);
      list.appendChild(li);
    });
  }

  function say(message, isError) {
    status.textContent = message;
    window.ihome.flash(message, isError);
  }

  function focusAfter(action, index) {
    var target = list.querySelector('button[data-action="' + action + '"][data-index="' + index + '"]:not([disabled])')
      || list.querySelector('li:nth-child(' + (index + 1) + ') button:not([disabled])')
      || list.querySelector("button:not([disabled])");
    if (target) target.focus();
  }

  function reload() {
    return window.ihome.api("GET", "/houses/" + houseId()).then(function (data) {
      var house = data.house, urls = house.thumb_urls || house.img_urls;
      photos = house.image_ids.map(function (id, i) { return { id: id, src: urls[i] }; });
      render();
    });
  }

  function move(from, to, action) {
    var order = photos.slice();
    var moved = order.splice(from, 1)[0];
    order.splice(to, 0, moved);
    list.setAttribute("aria-busy", "true");
    window.ihome.api("PUT", "/houses/" + houseId() + "/images/order", { image_ids: order.map(function (p) { return p.id; }) })
      .then(function () {
        photos = order;
        render();
        say(text.saved, false);
        focusAfter(action === "cover" ? "later" : action, to);
      }, function (error) {
        say(error.message, true);
        return reload();
      }).then(function () { list.removeAttribute("aria-busy"); });
  }

  function remove(index) {
    if (!window.confirm(text.confirm)) return;
    var photo = photos[index];
    window.ihome.api("DELETE", "/houses/" + houseId() + "/images/" + photo.id).then(function () {
      photos.splice(index, 1);
      render();
      say(text.deleted, false);
      focusAfter("delete", Math.min(index, photos.length - 1));
    }, function (error) {
      say(error.message, true);
      return reload();
    });
  }

  list.addEventListener("click", function (event) {
    var b = event.target.closest("button[data-action]");
    if (!b || b.disabled) return;
    var index = Number(b.dataset.index);
    if (b.dataset.action === "earlier") move(index, index - 1, "earlier");
    else if (b.dataset.action === "later") move(index, index + 1, "later");
    else if (b.dataset.action === "cover") move(index, 0, "cover");
    else if (b.dataset.action === "delete") remove(index);
  });

  list.addEventListener("ihome:photo-added", function () {
    reload().catch(function (error) { say(error.message, true); });
  });

  readList();
  render();
})();
