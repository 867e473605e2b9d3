// Search page: filters live in the URL (pushState on a new search, popstate restores it), results
// come from GET /api/v1.0/houses, and the next page loads when the end of the list scrolls into view.
// Each history entry's state remembers how many pages were shown and the scroll position, so Back
// from a house (or a reload) shows the same list at the same place; those pages are fetched again,
// never shown from an old copy, so a stay booked meanwhile is not offered.
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var list = document.getElementById("results");
  var empty = document.getElementById("empty");
  var errorBox = document.getElementById("search-error");
  var dateError = document.getElementById("search-date-error");
  var more = document.getElementById("more");
  var end = document.getElementById("end");
  var loadingNote = document.getElementById("loading");
  var count = document.getElementById("result-count");
  // fac (checked facility ids, "1,3") is handled apart; prices are whole yuan in the URL, fen for the API
  var FILTERS = ["aid", "sd", "ed", "sk", "q", "guests", "min_price", "max_price"];
  var facBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="fac"]'));
  var state = { page: Number(list.dataset.currentPage) || 0, total: Number(list.dataset.totalPage) || 0, loading: false };
  var generation = 0;  // answers to an older search are dropped

  function filtersFromForm() {
    var out = {};
    FILTERS.forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) out[name] = value;
    });
    if (out.sk === "new") delete out.sk;
    var fac = facBoxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    if (fac.length) out.fac = fac.join(",");
    return out;
  }

  function filtersFromUrl() {
    var params = new URLSearchParams(window.location.search), out = {};
    FILTERS.concat(["fac"]).forEach(function (name) { if (params.get(name)) out[name] = params.get(name); });
    return out;
  }

  function fillForm(filters) {
    FILTERS.forEach(function (name) { form.elements[name].value = filters[name] || (name === "sk" ? "new" : ""); });
    var fac = (filters.fac || "").split(",");
    facBoxes.forEach(function (box) { box.checked = fac.indexOf(box.value) !== -1; });
  }

  // The API's parameters for the page's filters: yuan to fen (anything else is sent as typed, so
  // the API names the bad field).
  function apiQuery(filters, page) {
    var params = Object.assign({}, filters, { p: String(page) });
    ["min_price", "max_price"].forEach(function (name) {
      if (/^[0-9]{1,9}$/.test(params[name] || "")) params[name] = String(Number(params[name]) * 100);
    });
    return query(params);
  }

  function showCount(total) {
    count.hidden = total === null;
    count.textContent = total === null ? "" : count.dataset.template.replace("{n}", total);
  }

  function query(filters) {
    return new URLSearchParams(filters).toString();
  }

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    node.textContent = value;
    return node;
  }

  // "1 room" / "3 rooms": both forms come translated from the page
  function counted(noun, n) {
    return list.dataset[n === 1 ? noun : noun + "s"].replace("{n}", n);
  }

  // the stay chosen here (dates, guests) goes on to the house page and the booking page
  function stayQuery() {
    var params = new URLSearchParams(window.location.search), stay = new URLSearchParams();
    ["sd", "ed", "guests"].forEach(function (name) { if (params.get(name)) stay.set(name, params.get(name)); });
    return stay.toString() ? "?" + stay.toString() : "";
  }

  function card(house) {
    var li = document.createElement("li"), a = document.createElement("a");
    li.className = "house-card";
    a.href = "/houses/" + house.house_id + stayQuery();
    var thumb;
    if (house.index_image_url) {
      thumb = document.createElement("img");
      thumb.src = house.index_image_url; thumb.alt = ""; thumb.loading = "lazy";
    } else {
      thumb = document.createElement("div");
      thumb.className = "placeholder";
    }
    thumb.classList.add("house-thumb");
    var info = document.createElement("div");
    info.className = "house-info";
    info.appendChild(text("h2", "house-title", house.title));
    info.appendChild(text("p", "muted", house.area_name + " · " + house.address));
    var meta = document.createElement("p");
    meta.className = "house-meta";
    meta.appendChild(text("span", "muted price-from", list.dataset.from));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(text("span", "price", house.price_display));
    meta.appendChild(text("span", "muted", "/" + list.dataset.night));
    meta.appendChild(text("span", "muted", " · " + counted("room", house.room_count) +
      " · " + counted("booking", house.order_count)));
    if (house.avg_rating) {
      var stars = text("span", "stars", "★★★★★".slice(0, house.stars) + "☆☆☆☆☆".slice(0, 5 - house.stars));
      stars.title = house.avg_rating;
      meta.appendChild(stars);
    }
    info.appendChild(meta);
    a.appendChild(thumb);
    a.appendChild(info);
    if (house.user_avatar) {
      var avatar = document.createElement("img");
      avatar.className = "host-avatar small"; avatar.src = house.user_avatar; avatar.alt = "";
      a.appendChild(avatar);
    }
    li.appendChild(a);
    return li;
  }

  function showPagerState() {
    var hasMore = state.page < state.total;
    more.hidden = !hasMore || state.loading;
    end.hidden = hasMore || list.children.length === 0;
    empty.hidden = !(state.page >= 1 && list.children.length === 0);
    loadingNote.hidden = !state.loading;
  }

  function load(filters, page) {
    var mine = page === 1 ? ++generation : generation;
    state.loading = true;
    errorBox.hidden = true;
    if (page === 1) { list.textContent = ""; state.page = 0; state.total = 0; empty.hidden = true; showCount(null); }
    showPagerState();
    return window.ihome.api("GET", "/houses?" + apiQuery(filters, page)).then(function (data) {
      if (mine !== generation) return;
      data.houses.forEach(function (house) { list.appendChild(card(house)); });
      showCount(data.total);
      state.page = data.current_page;
      state.total = data.total_page;
    }, function (error) {
      if (mine !== generation) return;
      showError(error);
    }).then(function () {
      if (mine !== generation) return;
      state.loading = false;
      showPagerState();
      remember();
    });
  }

  function showError(error) {
    var details = [];
    Object.keys(error.fields || {}).forEach(function (name) { details = details.concat(error.fields[name]); });
    errorBox.textContent = details.length ? details.join(" ") : error.message;
    errorBox.hidden = false;
  }

  // ---- the list as it was left, per history entry ----
  function remember() {
    window.history.replaceState({ filters: filtersFromUrl(), pages: state.page, scrollY: Math.round(window.scrollY) },
                                "", window.location.href);
  }

  // Pages 2..saved.pages again (in parallel, appended in order), then the saved scroll position.
  function restore(saved) {
    var filters = filtersFromUrl(), mine = generation, wanted = [];
    for (var p = state.page + 1; p <= Math.min(saved.pages, state.total); p++) wanted.push(p);
    if (!wanted.length) { window.scrollTo(0, saved.scrollY || 0); remember(); return; }
    state.loading = true;
    showPagerState();
    Promise.all(wanted.map(function (page) {
      return window.ihome.api("GET", "/houses?" + apiQuery(filters, page));
    })).then(function (answers) {
      if (mine !== generation) return;
      answers.forEach(function (data) {
        data.houses.forEach(function (house) { list.appendChild(card(house)); });
        state.page = data.current_page;
        state.total = data.total_page;
      });
    }, function (error) {
      if (mine === generation) showError(error);
    }).then(function () {
      if (mine !== generation) return;
      state.loading = false;
      showPagerState();
      window.scrollTo(0, saved.scrollY || 0);
      remember();
    });
  }

  function datesValid() {
    var sd = form.elements.sd.value, ed = form.elements.ed.value;
    var ok = !(sd && ed && ed <= sd);
    window.ihome.fieldError(form.elements.ed, ok ? "" : form.dataset.badDates, dateError);
    return ok;
  }

  function search(event) {
    if (event) event.preventDefault();
    if (!datesValid()) return;
    var filters = filtersFromForm();
    var url = window.location.pathname + (query(filters) ? "?" + query(filters) : "");
    if (url !== window.location.pathname + window.location.search) {
      remember();  // the entry being left keeps its scroll position
      window.history.pushState({ filters: filters, pages: 0, scrollY: 0 }, "", url);
    }
    window.scrollTo(0, 0);
    load(filters, 1);
  }

  form.addEventListener("submit", search);
  ["aid", "sk", "guests"].forEach(function (name) { form.elements[name].addEventListener("change", search); });
  facBoxes.forEach(function (box) { box.addEventListener("change", search); });
  form.elements.ed.addEventListener("change", function () {
    if (form.elements.sd.value && form.elements.ed.value) search();
  });

  window.addEventListener("popstate", function (event) {
    var filters = filtersFromUrl(), saved = event.state;
    fillForm(filters);
    datesValid();
    load(filters, 1).then(function () {
      if (saved && (saved.pages > 1 || saved.scrollY)) restore(saved);
    });
  });

  function nextPage() {
    if (state.loading || state.page >= state.total || state.page < 1) return;
    load(filtersFromUrl(), state.page + 1);
  }

  more.addEventListener("click", nextPage);
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) nextPage();
    }, { rootMargin: "200px" }).observe(document.getElementById("sentinel"));
  }
  // Scroll positions are ours to restore (after the pages are back), not the browser's.
  if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
  var scrollTimer = null;
  window.addEventListener("scroll", function () {
    if (state.loading) return;
    window.clearTimeout(scrollTimer);
    scrollTimer = window.setTimeout(remember, 150);
  }, { passive: true });
  list.addEventListener("click", function (event) {  // leaving for a house: remember exactly where
    if (event.target.closest("a") && !state.loading) remember();
  });
  window.addEventListener("pagehide", function () { if (!state.loading) remember(); });

  var saved = window.history.state;
  if (saved && saved.pages && (saved.pages > state.page || saved.scrollY)) restore(saved);
  else remember();
})();
