// A swipeable slideshow without a library: the track scrolls horizontally with CSS scroll-snap (so a
// finger swipe is the browser's own), and this script adds auto-advance, dots and a counter.
// Auto-advance never runs under prefers-reduced-motion: reduce; it pauses while the pointer is over the
// slideshow or the focus is inside it, and a pause/play button (options.pauseButton) stops it for good
// (WCAG 2.2.2). The current slide's index is kept in the track's data-current.
(function () {
  "use strict";

  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  // track: the scrolling element whose children are the slides.
  // options: {interval: ms between auto-advances (0 = none), onChange: function (index, count),
  //           pauseButton: a button with data-label-pause and data-label-play}
  window.ihomeSlider = function (track, options) {
    options = options || {};
    var slides = track.children;
    var count = slides.length;
    var current = 0;
    var timer = null;
    var box = track.parentElement;
    var button = options.pauseButton || null;
    var stopped = !!(reducedMotion && reducedMotion.matches);  // by the user's button, or their settings
    var held = false;  // hovered or focused

    function indexNow() {
      return Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
    }

    function go(index) {
      current = (index + count) % count;
      track.dataset.current = current;
      var smooth = !(reducedMotion && reducedMotion.matches);
      track.scrollTo({ left: current * track.clientWidth, behavior: smooth ? "smooth" : "auto" });
    }

    function running() { return !!options.interval && count > 1 && !stopped && !held && !document.hidden; }

    function schedule() {
      if (timer) window.clearInterval(timer);
      timer = null;
      if (running()) timer = window.setInterval(function () { go(current + 1); }, options.interval);
      // a rotating slideshow would talk over the reader at every turn: announce slides only when still
      track.setAttribute("aria-live", running() ? "off" : "polite");
      if (button) {
        button.setAttribute("aria-label", stopped ? button.dataset.labelPlay : button.dataset.labelPause);
        button.dataset.state = stopped ? "paused" : "playing";
      }
    }

    var pending = null;
    track.addEventListener("scroll", function () {
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        var index = indexNow();
        if (index !== current) { current = index; track.dataset.current = current; }
        if (options.onChange) options.onChange(current, count);
      }, 80);
    }, { passive: true });

    // a user's touch restarts the wait before the next turn
    ["touchstart", "pointerdown", "wheel"].forEach(function (name) {
      track.addEventListener(name, function () { schedule(); }, { passive: true });
    });
    box.addEventListener("mouseenter", function () { held = true; schedule(); });
    box.addEventListener("mouseleave", function () { held = box.contains(document.activeElement); schedule(); });
    box.addEventListener("focusin", function () { held = true; schedule(); });
    box.addEventListener("focusout", function (event) {
      held = box.contains(event.relatedTarget) || box.matches(":hover"); schedule();
    });
    if (button) {
      button.hidden = !(options.interval && count > 1);
      button.addEventListener("click", function () { stopped = !stopped; schedule(); });
    }
    if (reducedMotion && reducedMotion.addEventListener) {
      reducedMotion.addEventListener("change", function () { if (reducedMotion.matches) stopped = true; schedule(); });
    }
    document.addEventListener("visibilitychange", schedule);
    track.dataset.current = 0;
    schedule();
    if (options.onChange) options.onChange(0, count);
    return { go: function (index) { go(index); schedule(); }, count: count };
  };
})();
