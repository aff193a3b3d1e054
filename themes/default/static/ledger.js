// The ledger table, enhanced: sort by any column, filter by any column, free-text search that
// works for Chinese (substring or bigram match), and the filters kept in the URL so a view can
// be shared. Without JavaScript the page is a plain, complete table. The URL is data: what it
// holds is only ever compared with the columns' keys and values, never put into a selector or
// into HTML.
(function () {
  "use strict";
  var table = document.getElementById("ledger");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var keys = heads.map(function (th) { return th.getAttribute("data-key"); });
  var q = document.getElementById("q");
  var shown = document.getElementById("shown");
  var filters = Object.create(null);
  var selects = Object.create(null);
  var sort = { key: null, dir: 1 };
  function isKey(k) { return keys.indexOf(k) >= 0; }

  function cellValue(row, i) {
    var c = row.cells[i];
    if (!c) { return ""; }
    var v = c.getAttribute("data-v");
    return v !== null ? v : c.textContent.trim();
  }
  function norm(s) { return (s || "").toLowerCase().replace(/\s+/g, " ").trim(); }
  function bigrams(s) {
    var out = [];
    for (var i = 0; i + 1 < s.length; i++) { out.push(s.slice(i, i + 2)); }
    return out;
  }
  function matches(text, query) {
    if (!query) { return true; }
    if (text.indexOf(query) >= 0) { return true; }
    // Chinese has no spaces: accept a row holding every bigram of the query.
    var grams = bigrams(query.replace(/ /g, ""));
    if (grams.length < 2) { return false; }
    return grams.every(function (g) { return text.indexOf(g) >= 0; });
  }

  // Filter row: a select of the distinct values of each column.
  var filterRow = table.tHead.insertRow(1);
  filterRow.className = "filter-row";
  heads.forEach(function (th, i) {
    var cell = document.createElement("th");
    var values = {};
    rows.forEach(function (r) { var t = r.cells[i] ? r.cells[i].textContent.trim() : ""; if (t && t.length <= 40) { values[t] = true; } });
    var list = Object.keys(values).sort();
    if (list.length > 1 && list.length <= 60) {
      var sel = document.createElement("select");
      sel.setAttribute("aria-label", th.textContent.trim());
      sel.setAttribute("data-key", keys[i]);
      var any = document.createElement("option");
      any.value = ""; any.textContent = "—";
      sel.appendChild(any);
      list.forEach(function (v) { var o = document.createElement("option"); o.value = v; o.textContent = v; sel.appendChild(o); });
      sel.addEventListener("change", function () { filters[keys[i]] = sel.value; apply(); });
      selects[keys[i]] = sel;
      cell.appendChild(sel);
    }
    filterRow.appendChild(cell);
    th.classList.add("sortable");
    th.setAttribute("aria-sort", "none");
    th.addEventListener("click", function () {
      sort.dir = sort.key === keys[i] ? -sort.dir : 1;
      sort.key = keys[i];
      apply();
    });
  });

  var texts = rows.map(function (r) { return norm(r.textContent); });

  function apply() {
    var query = norm(q.value);
    var visible = 0;
    rows.forEach(function (r, n) {
      var ok = matches(texts[n], query);
      keys.forEach(function (k, i) {
        if (ok && filters[k]) { ok = (r.cells[i] ? r.cells[i].textContent.trim() : "") === filters[k]; }
      });
      r.hidden = !ok;
      if (ok) { visible++; }
    });
    if (sort.key) {
      var i = keys.indexOf(sort.key);
      var sorted = rows.slice().sort(function (a, b) {
        var x = cellValue(a, i), y = cellValue(b, i);
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y) ? nx - ny : x.localeCompare(y, "zh-CN");
        return c * sort.dir;
      });
      sorted.forEach(function (r) { body.appendChild(r); });
      heads.forEach(function (th, j) { th.setAttribute("aria-sort", j === i ? (sort.dir > 0 ? "ascending" : "descending") : "none"); });
    }
    shown.textContent = visible + " / " + rows.length;
    save();
  }

  function save() {
    var p = new URLSearchParams();
    if (q.value) { p.set("q", q.value); }
    Object.keys(filters).forEach(function (k) { if (filters[k]) { p.set("f." + k, filters[k]); } });
    if (sort.key) { p.set("sort", (sort.dir < 0 ? "-" : "") + sort.key); }
    var s = p.toString();
    history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
  }

  function load() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    q.value = p.get("q") || "";
    p.forEach(function (v, k) {
      var key = k.slice(2);
      if (k.indexOf("f.") === 0 && isKey(key)) {
        filters[key] = v;
        if (selects[key]) { selects[key].value = v; }
      }
    });
    var s = p.get("sort");
    if (s && isKey(s.replace(/^-/, ""))) { sort.dir = s.charAt(0) === "-" ? -1 : 1; sort.key = s.replace(/^-/, ""); }
  }

  form.hidden = false;
  q.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  load();
  apply();
})();
