// Segment rule builder (segment editor and contacts page filter): groups of rules kept as
// JSON in a hidden input, counted live through the segment count endpoint.
(function () {
  "use strict";
  var root = document.getElementById("segment-builder");
  if (!root) return;
  var catalog = JSON.parse(document.getElementById("segment-catalog").textContent);
  var initial = JSON.parse(document.getElementById("segment-initial").textContent) || {};
  var target = document.getElementById(root.getAttribute("data-target"));
  var countBox = document.getElementById("segment-count");
  var readonly = root.hasAttribute("data-readonly");
  var optional = root.hasAttribute("data-optional");
  var fields = {};
  catalog.fields.forEach(function (f) { fields[f.key] = f; });
  var NO_VALUE = { empty: 1, not_empty: 1 };
  var NUMBER = { gt: 1, gte: 1, lt: 1, lte: 1 };
  var DAYS = { within_days: 1, not_within_days: 1 };

  var state = {
    match: initial.match === "any" ? "any" : "all",
    groups: (initial.groups || []).map(function (g) {
      return { match: g.match === "any" ? "any" : "all", rules: (g.rules || []).filter(function (r) { return r && fields[r.field]; }) };
    })
  };
  if (!state.groups.length) state.groups.push({ match: "all", rules: [] });
  if (!optional && !countRules()) state.groups[0].rules.push(blankRule());

  function countRules() { return state.groups.reduce(function (n, g) { return n + g.rules.length; }, 0); }
  function opsFor(field) { return catalog.ops[fields[field].kind] || []; }
  function blankRule(field) {
    field = field || catalog.fields[0].key;
    return { field: field, op: opsFor(field)[0][0], value: defaultValue(field, opsFor(field)[0][0]) };
  }
  function defaultValue(field, op) {
    var kind = fields[field].kind;
    if (NO_VALUE[op]) return null;
    if (DAYS[op]) return 30;
    if (op === "between") return ["", ""];
    if (kind === "choice") return fields[field].choices[0][0];
    if (kind === "list" || kind === "campaign") return [];
    return "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (readonly && /^(INPUT|SELECT|BUTTON)$/.test(node.tagName)) node.disabled = true;
    return node;
  }
  function select(options, value, label, onChange, multiple) {
    var s = el("select", multiple ? { "aria-label": label, multiple: "multiple", size: "3" } : { "aria-label": label });
    options.forEach(function (o) {
      var opt = el("option", { value: String(o[0]) }, o[1]);
      var values = multiple ? (value || []).map(String) : [String(value)];
      opt.selected = values.indexOf(String(o[0])) !== -1;
      s.appendChild(opt);
    });
    s.addEventListener("change", function () {
      onChange(multiple ? Array.prototype.map.call(s.selectedOptions, function (o) { return Number(o.value); }) : s.value);
    });
    return s;
  }
  function input(type, value, label, onInput, extra) {
    var i = el("input", Object.assign({ type: type, "aria-label": label }, extra || {}));
    i.value = value === null || value === undefined ? "" : value;
    i.addEventListener("input", function () { onInput(i.value); });
    return i;
  }

  function valueEditor(rule) {
    var f = fields[rule.field];
    var box = el("span", { class: "seg-value" });
    var set = function (v) { rule.value = v; changed(false); };
    if (NO_VALUE[rule.op]) return box;
    if (DAYS[rule.op]) {
      box.appendChild(input("number", rule.value, "Days", set, { min: "1", max: "3650", class: "seg-days" }));
      box.appendChild(el("span", { class: "muted" }, "days"));
    } else if (rule.op === "between") {
      var pair = Array.isArray(rule.value) ? rule.value : ["", ""];
      box.appendChild(input("number", pair[0], "From", function (v) { pair[0] = v; set(pair); }, { step: "any" }));
      box.appendChild(el("span", { class: "muted" }, "and"));
      box.appendChild(input("number", pair[1], "To", function (v) { pair[1] = v; set(pair); }, { step: "any" }));
    } else if (NUMBER[rule.op]) {
      box.appendChild(input("number", rule.value, "Number", set, { step: "any" }));
    } else if (rule.op === "before" || rule.op === "after") {
      box.appendChild(input("date", rule.value, "Date", set));
    } else if (f.kind === "choice") {
      box.appendChild(select(f.choices, rule.value, f.label, set));
    } else if (f.kind === "list") {
      box.appendChild(catalog.lists.length ? select(catalog.lists, rule.value, "Lists", set, true) : el("span", { class: "muted" }, "No lists yet"));
    } else if (f.kind === "campaign" || f.kind === "last_campaign") {
      if (!catalog.campaigns.length) { box.appendChild(el("span", { class: "muted" }, "No campaigns sent yet")); return box; }
      if (rule.op === "is" && (rule.value === "" || Array.isArray(rule.value))) rule.value = catalog.campaigns[0][0];
      box.appendChild(select(catalog.campaigns, rule.value, "Campaigns", set, rule.op !== "is"));
    } else {
      var hint = f.kind === "country" ? "e.g. PK, AE" : rule.op === "in" ? "e.g. gold, silver" : "value";
      box.appendChild(input("text", Array.isArray(rule.value) ? rule.value.join(", ") : rule.value, "Value", set, { placeholder: hint, maxlength: "200" }));
    }
    return box;
  }

  function ruleRow(group, rule, index) {
    var row = el("div", { class: "seg-rule" });
    row.appendChild(select(catalog.fields.map(function (f) { return [f.key, f.label]; }), rule.field, "Field", function (v) {
      group.rules[index] = blankRule(v); changed(true);
    }));
    row.appendChild(select(opsFor(rule.field), rule.op, "Condition", function (v) {
      rule.op = v; rule.value = defaultValue(rule.field, v); changed(true);
    }));
    row.appendChild(valueEditor(rule));
    if (!readonly) {
      var remove = el("button", { type: "button", class: "secondary small seg-remove", "aria-label": "Remove this rule" }, "×");
      remove.addEventListener("click", function () { group.rules.splice(index, 1); changed(true); });
      row.appendChild(remove);
    }
    return row;
  }

  function matchSelect(holder, label) {
    return select([["all", "all"], ["any", "any"]], holder.match, label, function (v) { holder.match = v; changed(false); });
  }

  function render() {
    root.textContent = "";
    if (state.groups.length > 1) {
      var top = el("p", { class: "seg-top" });
      top.appendChild(document.createTextNode("Contacts who match "));
      top.appendChild(matchSelect(state, "How the groups combine"));
      top.appendChild(document.createTextNode(" of these groups"));
      root.appendChild(top);
    }
    state.groups.forEach(function (group, gi) {
      var box = el("fieldset", { class: "seg-group" });
      var legend = el("legend");
      legend.appendChild(document.createTextNode(state.groups.length > 1 ? "Group " + (gi + 1) + ": match " : "Match "));
      legend.appendChild(matchSelect(group, "How the rules of group " + (gi + 1) + " combine"));
      legend.appendChild(document.createTextNode(" of these rules"));
      box.appendChild(legend);
      group.rules.forEach(function (rule, ri) { box.appendChild(ruleRow(group, rule, ri)); });
      if (!group.rules.length) box.appendChild(el("p", { class: "muted small m-0" }, optional ? "No rule: every contact." : "No rule yet."));
      if (!readonly) {
        var actions = el("div", { class: "seg-actions" });
        var add = el("button", { type: "button", class: "secondary small" }, "+ Add rule");
        add.addEventListener("click", function () { group.rules.push(blankRule()); changed(true); });
        actions.appendChild(add);
        if (state.groups.length > 1) {
          var drop = el("button", { type: "button", class: "secondary small" }, "Remove group");
          drop.addEventListener("click", function () { state.groups.splice(gi, 1); changed(true); });
          actions.appendChild(drop);
        }
        box.appendChild(actions);
      }
      root.appendChild(box);
    });
    if (!readonly) {
      var addGroup = el("button", { type: "button", class: "secondary small" }, "+ Add a group (for “any of” rules)");
      addGroup.addEventListener("click", function () { state.groups.push({ match: "any", rules: [blankRule()] }); changed(true); });
      root.appendChild(addGroup);
    }
  }

  function conditions() {
    return { match: state.match, groups: state.groups.filter(function (g) { return g.rules.length; }) };
  }

  var timer = null;
  function changed(structural) {
    if (structural) render();
    target.value = countRules() ? JSON.stringify(conditions()) : "";
    clearTimeout(timer);
    timer = setTimeout(count, 350);
  }

  var latest = 0;
  function count() {
    if (!countBox) return;
    if (!countRules()) { countBox.textContent = optional ? "No filter: every contact." : "Add a rule to see who matches."; return; }
    var ticket = ++latest;
    countBox.classList.remove("bad");
    if (!countBox.querySelector("strong")) countBox.textContent = "Counting…";
    fetch(root.getAttribute("data-count-url") + "?conditions=" + encodeURIComponent(target.value), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (ticket !== latest) return;
        countBox.textContent = "";
        if (data.errors) {
          countBox.classList.add("bad");
          countBox.textContent = data.errors[0];
          return;
        }
        var strong = el("strong", { "data-count": String(data.contacts) }, data.contacts.toLocaleString());
        countBox.appendChild(strong);
        countBox.appendChild(document.createTextNode(
          (data.contacts === 1 ? " contact matches" : " contacts match") + " · " + data.recipients.toLocaleString() +
          " can be sent to (suppressed and invalid numbers left out)"));
      })
      .catch(function () { if (ticket === latest) countBox.textContent = "The count is not available right now."; });
  }

  render();
  changed(false);
})();
