// /my/profile: avatar upload with a local preview and a progress bar; rename.
(function () {
  "use strict";
  var avatarForm = document.getElementById("avatar-form");
  var input = document.getElementById("avatar");
  var preview = document.getElementById("avatar-preview");
  var empty = document.getElementById("avatar-empty");
  var progress = document.getElementById("avatar-progress");
  var bar = progress.querySelector("span");
  var avatarSubmit = document.getElementById("avatar-submit");
  var nameForm = document.getElementById("name-form");
  var nameSubmit = document.getElementById("name-submit");
  var previewUrl = null;

  function setProgress(percent) {
    // width through a class-free property: the CSP forbids inline style attributes, not CSSOM
    bar.style.width = percent + "%";
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) return;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    preview.src = previewUrl;
    preview.classList.remove("hidden");
    empty.classList.add("hidden");
  });

  avatarForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = input.files && input.files[0];
    if (!file) {
      ihome.showErrors(avatarForm, { message: avatarForm.dataset.choose, fields: { avatar: [avatarForm.dataset.choose] } });
      return;
    }
    var data = new FormData();
    data.append("avatar", file);
    ihome.busy(avatarSubmit, true);
    progress.classList.remove("hidden");
    setProgress(0);
    ihome.upload("/user/avatar", data, setProgress).then(function (result) {
      ihome.busy(avatarSubmit, false);
      setProgress(100);
      preview.src = result.avatar_url;
      preview.dataset.saved = result.avatar_url;
      ihome.showErrors(avatarForm, { message: "", fields: {} });
      ihome.flash(avatarForm.dataset.done, false);
    }).catch(function (error) {
      ihome.busy(avatarSubmit, false);
      progress.classList.add("hidden");
      ihome.showErrors(avatarForm, error);
    });
  });

  nameForm.addEventListener("submit", function (event) {
    event.preventDefault();
    ihome.busy(nameSubmit, true);
    ihome.api("PUT", "/user/name", { name: nameForm.elements.name.value.trim() }).then(function (result) {
      ihome.busy(nameSubmit, false);
      nameForm.elements.name.value = result.name;
      ihome.showErrors(nameForm, { message: "", fields: {} });
      ihome.flash(nameForm.dataset.done, false);
    }).catch(function (error) {
      ihome.busy(nameSubmit, false);
      ihome.showErrors(nameForm, error);
    });
  });
})();
