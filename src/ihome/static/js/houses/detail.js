// House detail page: the swipeable photo gallery with its "n/total" counter.
(function () {
  "use strict";

  var track = document.getElementById("gallery-slides");
  var counter = document.getElementById("gallery-counter");
  if (!track || !window.ihomeSlider) return;
  window.ihomeSlider(track, {
    interval: 0,
    onChange: function (index, count) { if (counter) counter.textContent = (index + 1) + "/" + count; },
  });
})();
