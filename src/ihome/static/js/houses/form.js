// Publish/edit form: sends the fields to POST /houses or PUT /houses/<id> (prices typed in yuan, sent
// in fen), shows per-field errors, then uploads photos one by one with a progress bar.
(function () {
  "use strict";

  var form = document.getElementById("house-form");
  var photoSection = document.getElementById("photos-section");
  var photoInput = document.getElementById("house_image");
  var photoForm = document.getElementById("photo-form");
  var bar = document.getElementById("upload-bar");
  var progress = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var photos = document.getElementById("photos");
  var viewLink = document.getElementById("view-house");
  var INTEGERS = ["area_id", "room_count", "acreage", "capacity", "min_days", "max_days"];
  var MONEY = ["price", "deposit", "weekend_price"];  // an empty weekend_price is null: none (the base price)
  var TEXTS = ["title", "address", "unit", "beds"];

  function houseId() { return form.dataset.houseId; }

  // A number when the input holds one; null when empty (the API says "required" or keeps the value);
  // otherwise the raw text, so the API names the field's error.
  function integer(value) {
    var text = value.trim();
    if (!text) return null;
    return /^\d+$/.test(text) ? Number(text) : text;
  }
  function fen(value) {
    var text = value.trim();
    if (!text) return null;
    return /^\d+(\.\d{1,2})?$/.test(text) ? Math.round(parseFloat(text) * 100) : text;
  }

  function payload() {
    var body = {};
    TEXTS.forEach(function (name) { body[name] = form.elements[name].value.trim(); });
    INTEGERS.forEach(function (name) { body[name] = integer(form.elements[name].value); });
    MONEY.forEach(function (name) { body[name] = fen(form.elements[name].value); });
    body.cancellation_policy = form.elements.cancellation_policy.value;
    ["description", "house_rules"].forEach(function (name) { body[name] = form.elements[name].value; });
    ["check_in_time", "check_out_time"].forEach(function (name) { body[name] = form.elements[name].value.trim() || null; });
    body.facility = Array.prototype.filter.call(form.querySelectorAll('input[name="facility"]'),
      function (box) { return box.checked; }).map(function (box) { return Number(box.value); });
    return body;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = document.getElementById("save-house");
    window.ihome.busy(button, true);
    var id = houseId();
    var request = id ? window.ihome.api("PUT", "/houses/" + id, payload())
                     : window.ihome.api("POST", "/houses", payload());
    request.then(function (data) {
      window.ihome.showErrors(form, { fields: {}, message: form.dataset.saved });
      window.ihome.flash(form.dataset.saved, false);
      if (!id) {
        form.dataset.houseId = String(data.house_id);
        window.history.replaceState(null, "", "/my/houses/" + data.house_id + "/edit");
        viewLink.href = viewLink.dataset.base + data.house_id;
        photoSection.hidden = false;
        photoSection.scrollIntoView({ behavior: "smooth" });
      }
    }, function (error) {
      window.ihome.showErrors(form, error);
      var first = form.querySelector(".field.invalid input, .field.invalid select, .field.invalid textarea");
      if (first) first.focus();
      if (error.errno === "4104") window.location.assign("/my/auth?next=" + encodeURIComponent(window.location.pathname));
    }).then(function () { window.ihome.busy(button, false); });
  });

  function uploadOne(file, index, total) {
    var data = new FormData();
    data.append("house_image", file);
    bar.style.width = "0%";
    status.textContent = file.name + " (" + (index + 1) + "/" + total + ")";
    return window.ihome.upload("/houses/" + houseId() + "/images", data, function (percent) {
      bar.style.width = percent + "%";
    }).then(function (result) {
      var li = document.createElement("li"), img = document.createElement("img");
      img.src = result.image_url; img.alt = "";
      li.appendChild(img);
      photos.appendChild(li);
      photos.dispatchEvent(new CustomEvent("ihome:photo-added"));  // photos.js adds its buttons
    });
  }

  photoInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(photoInput.files || []);
    if (!files.length || !houseId()) return;
    photoInput.disabled = true;
    progress.hidden = false;
    var chain = Promise.resolve();
    files.forEach(function (file, index) {
      chain = chain.then(function () { return uploadOne(file, index, files.length); });
    });
    chain.then(function () {
      status.textContent = photoForm.dataset.uploaded;
      window.ihome.showErrors(photoForm, { fields: {}, message: photoForm.dataset.uploaded });
      window.ihome.flash(photoForm.dataset.uploaded, false);
    }, function (error) {
      status.textContent = "";
      window.ihome.showErrors(photoForm, error);
    }).then(function () {
      progress.hidden = true;
      photoInput.disabled = false;
      photoInput.value = "";
    });
  });
})();
