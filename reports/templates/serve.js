(function () {
  "use strict";
  // clinic-audit serve: audit the draft as the editor types (debounced), when a field changes, or when a file is
  // chosen.  The server answers an HTML fragment rendered (and escaped) by the report's own templates; the page's
  // Content-Security-Policy allows this script only, so nothing in a draft can run.
  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var DELAY = 350;  // ms after the last keystroke
  var MAX = parseInt(form.getAttribute("data-max"), 10) || 2000000;
  var text = document.getElementById("draft");
  var file = document.getElementById("file");
  var note = document.getElementById("file-note");
  var keyphrase = document.getElementById("keyphrase");
  var lang = document.getElementById("lang");
  var profile = document.getElementById("profile");
  var status = document.getElementById("status");
  var result = document.getElementById("result");
  var timer = null, sent = 0, controller = null;
  var upload = null;  // a chosen Word file, sent as it is on every re-check
  var placeholder = text.placeholder;
  var name = "";      // the chosen file's name: its extension says how to read the text

  function query(extra) {
    var q = new URLSearchParams();
    q.set("profile", profile.value);
    q.set("lang", lang.value);
    q.set("keyphrase", keyphrase.value);
    if (name) { q.set("name", name); }
    if (extra) { q.set("upload", "1"); }
    return q.toString();
  }

  function show(html) {
    result.innerHTML = html;  // server-rendered and escaped; inline scripts never run under the page's policy
  }

  function check() {
    clearTimeout(timer);
    var body = upload || text.value;
    if (!upload && !text.value.trim()) { status.textContent = ""; return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var mine = ++sent;
    status.textContent = "Checking…";
    fetch("/audit?" + query(upload !== null), {
      method: "POST", body: body, signal: controller.signal, credentials: "same-origin",
      headers: {"Content-Type": upload ? "application/octet-stream" : "text/plain; charset=utf-8"}
    }).then(function (response) {
      return response.text().then(function (html) { return {ok: response.ok, html: html}; });
    }).then(function (answer) {
      if (mine !== sent) { return; }  // a newer check is on its way
      show(answer.html);
      status.textContent = answer.ok ? "Checked." : "Could not check this draft.";
    }).catch(function (error) {
      if (error.name === "AbortError") { return; }
      status.textContent = "clinic-audit serve does not answer: is it still running?";
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, DELAY);
  }

  text.addEventListener("input", function () {
    if (upload) {  // typing replaces the Word file with the pasted text
      upload = null; name = ""; file.value = ""; note.hidden = true; text.placeholder = placeholder;
    }
    later();
  });
  keyphrase.addEventListener("input", later);
  lang.addEventListener("change", check);
  profile.addEventListener("change", check);
  form.addEventListener("submit", function (event) { event.preventDefault(); check(); });

  file.addEventListener("change", function () {
    var chosen = file.files[0];
    if (!chosen) { return; }
    if (chosen.size > MAX) {
      status.textContent = chosen.name + " is over the " + Math.round(MAX / 1e6) + " MB limit.";
      file.value = "";
      return;
    }
    name = chosen.name;
    if (/\.docx$/i.test(chosen.name)) {
      upload = chosen;
      text.value = "";
      note.textContent = "Checking " + chosen.name + " (Word). Change it in Word and choose it again, or paste text above to check that instead.";
      note.hidden = false;
      text.placeholder = note.textContent;
      check();
      return;
    }
    upload = null;
    note.hidden = true;
    chosen.text().then(function (content) {  // a text file: edit it here, re-checked as you type
      text.value = content;
      check();
    });
  });

  if (text.value.trim() && !result.querySelector(".verdict")) { check(); }
}());
