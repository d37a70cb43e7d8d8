(function () {
  "use strict";
  // Filter the site-wide findings by text: a rule group stays when every word is in its rule, name or targets.
  var siteText = document.getElementById("s-text");
  if (siteText) {
    siteText.addEventListener("input", function () {
      var words = siteText.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      document.querySelectorAll(".site-group").forEach(function (group) {
        var hay = group.getAttribute("data-find");
        var hit = words.every(function (w) { return hay.indexOf(w) >= 0; });
        group.hidden = !hit;
        if (hit) { shown += 1; group.open = group.open || words.length > 0; }
      });
      document.getElementById("s-status").textContent = shown + (shown === 1 ? " rule" : " rules") + " shown";
    });
  }
}());

(function () {
  "use strict";
  // Sort, filter and page the posts table.  Rows are server-rendered, those past the first page already hidden
  // so a large run opens quickly (without JS, and in print, every row shows); this script only reorders and
  // hides them, showing PAGE rows at a time.
  var table = document.getElementById("posts-table");
  if (!table) { return; }
  var PAGE = parseInt(table.getAttribute("data-page"), 10) || 200;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var limit = PAGE;
  var text = document.getElementById("f-text");
  var family = document.getElementById("f-family");
  var severity = document.getElementById("f-severity");
  var status = document.getElementById("f-status");
  var pager = document.getElementById("pager");
  var more = document.getElementById("show-more");

  function key(row, col, type) {
    var v = row.cells[col].getAttribute("data-v") || "";
    return type === "num" ? parseFloat(v) : v;
  }

  function matches(row, words, fam, sev) {
    if (fam || sev) {
      // data-tags lists "family:severity" pairs present in the post.
      var tags = row.getAttribute("data-tags").split(" ");
      var hit = tags.some(function (tag) {
        var parts = tag.split(":");
        return (!fam || parts[0] === fam) && (!sev || parts[1] === sev);
      });
      if (!hit) { return false; }
    }
    var hay = row.getAttribute("data-find");
    for (var i = 0; i < words.length; i++) {
      if (hay.indexOf(words[i]) < 0) { return false; }
    }
    return true;
  }

  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var fam = family.value, sev = severity.value;
    var shown = 0, matched = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = matches(rows[i], words, fam, sev);
      if (ok) { matched++; }
      var visible = ok && shown < limit;
      if (visible) { shown++; }
      rows[i].hidden = !visible;
    }
    status.textContent = (matched === rows.length ? "" : matched + " of ") + rows.length + " posts" +
      (shown < matched ? ", showing the first " + shown : "");
    pager.hidden = shown >= matched;
  }

  function sortBy(button) {
    var th = button.parentNode;
    var col = parseInt(button.getAttribute("data-col"), 10);
    var type = button.getAttribute("data-type");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i++) { headers[i].setAttribute("aria-sort", "none"); }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row, index) { return [key(row, col, type), index, row]; });
    keyed.sort(function (a, b) {
      var c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
      return ascending ? c : -c;
    });
    rows = keyed.map(function (k) { return k[2]; });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
    apply();
  }

  table.tHead.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-col]");
    if (button) { sortBy(button); }
  });
  [text, family, severity].forEach(function (control) {
    control.addEventListener("input", function () { limit = PAGE; apply(); });
  });
  document.querySelector("form.filters").addEventListener("submit", function (event) { event.preventDefault(); });
  more.addEventListener("click", function () { limit += PAGE; apply(); });

  // "Most frequent problems": a problem's name filters the table to the posts it affects.
  document.addEventListener("click", function (event) {
    var filter = event.target.closest("[data-filter]");
    if (filter) {
      text.value = filter.getAttribute("data-filter").toLowerCase();
      family.value = ""; severity.value = ""; limit = PAGE;
      apply();
      document.getElementById("posts").scrollIntoView();
      text.focus();
    }
    var toggle = event.target.closest("[data-toggle]");
    if (toggle) {
      var list = document.getElementById(toggle.getAttribute("data-toggle"));
      var open = list.classList.toggle("show-all");
      toggle.textContent = open ? "Show fewer problems" : toggle.getAttribute("data-label");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
  document.querySelectorAll("[data-toggle]").forEach(function (t) { t.setAttribute("data-label", t.textContent); });
  document.documentElement.classList.add("js");
  apply();
}());
