// The search combobox of core.widgets.SearchSelect (people, accounts): an ARIA 1.2 combobox with
// a listbox popup (the WAI-ARIA Authoring Practices' "list autocomplete" pattern).
//
// The server renders a text box (and, for several objects, the chosen ones as checked
// checkboxes); without this script that text box is what the user fills in. With it, the text box
// searches data-url as the user types and the chosen object's id is sent in a hidden input (one
// object) or as a new checked checkbox (several). Keys: ArrowDown/ArrowUp move through the
// options, Enter chooses, Escape closes the list (and, when it is already closed, clears the
// box of a single choice), Tab leaves. The number of options is announced in a live region.
// No inline code or style: everything comes from data- attributes and static/css/portal.css.
(function () {
  "use strict";

  var DELAY_MS = 200;
  var MIN_LENGTH = 2;
  var counter = 0;

  function setUp(root) {
    var input = root.querySelector("input[type=text]");
    if (!input || root.dataset.ready) return;
    root.dataset.ready = "1";
    var multiple = root.hasAttribute("data-multiple");
    var name = input.name;
    var base = input.id || "search-select-" + ++counter;
    input.id = base;
    var chosenList = root.querySelector(".search-select-chosen");

    // The value that is sent: a hidden input for one object; new checkboxes for several.
    var hidden = null;
    if (!multiple) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = root.dataset.chosenId || input.value;
      root.appendChild(hidden);
      if (root.dataset.chosenLabel) input.value = root.dataset.chosenLabel;
    }
    input.removeAttribute("name");

    var listbox = document.createElement("ul");
    listbox.id = base + "-listbox";
    listbox.className = "search-select-list list-group shadow-sm";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    var label = document.querySelector('label[for="' + base + '"]');
    if (label) {
      if (!label.id) label.id = base + "-label";
      listbox.setAttribute("aria-labelledby", label.id);
    }
    root.appendChild(listbox);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    root.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");

    var options = [];
    var active = -1;
    var timer = null;
    var sequence = 0;

    function open() {
      if (!options.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      if (active >= 0 && options[active]) {
        options[active].classList.remove("active");
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && options[active]) {
        var option = options[active];
        option.classList.add("active");
        option.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(results) {
      listbox.textContent = "";
      options = [];
      active = -1;
      results.forEach(function (result, i) {
        var li = document.createElement("li");
        li.id = base + "-option-" + i;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.id = String(result.id);
        li.dataset.label = result.label;
        li.appendChild(document.createTextNode(result.label));
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "search-select-detail";
          detail.textContent = result.detail;
          li.appendChild(detail);
        }
        listbox.appendChild(li);
        options.push(li);
      });
      status.textContent = results.length
        ? root.dataset.resultsText + " " + results.length
        : root.dataset.emptyText;
      if (results.length) open();
      else close();
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH) {
        render([]);
        status.textContent = query.length ? root.dataset.shortText : "";
        return;
      }
      var mine = ++sequence;
      var url = root.dataset.url + (root.dataset.url.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (mine === sequence) render(data.results || []);
        })
        .catch(function () {
          if (mine === sequence) {
            render([]);
            status.textContent = root.dataset.errorText;
          }
        });
    }

    function choose(option) {
      if (multiple) {
        var id = option.dataset.id;
        var exists = chosenList.querySelector('input[value="' + CSS.escape(id) + '"]');
        if (exists) {
          exists.checked = true;
        } else {
          var li = document.createElement("li");
          li.className = "form-check";
          var box = document.createElement("input");
          box.type = "checkbox";
          box.className = "form-check-input";
          box.name = name;
          box.value = id;
          box.id = base + "_" + id;
          box.checked = true;
          var boxLabel = document.createElement("label");
          boxLabel.className = "form-check-label";
          boxLabel.htmlFor = box.id;
          boxLabel.textContent = option.dataset.label;
          li.appendChild(box);
          li.appendChild(boxLabel);
          chosenList.appendChild(li);
        }
        input.value = "";
        status.textContent = option.dataset.label + " ✓";
      } else {
        hidden.value = option.dataset.id;
        input.value = option.dataset.label;
      }
      close();
      input.focus();
    }

    input.addEventListener("input", function () {
      // Until an option is chosen, what is typed is sent as it is: the server accepts a username
      // or an e-mail address typed in full, and says so when it matches no one.
      if (hidden) hidden.value = input.value;
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded) {
            open();
            if (!options.length) search();
          }
          if (options.length) setActive(active + 1 < options.length ? active + 1 : 0);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!expanded) open();
          if (options.length) setActive(active > 0 ? active - 1 : options.length - 1);
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(options[active]);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          } else if (hidden && input.value) {
            event.preventDefault();
            input.value = "";
            hidden.value = "";
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the text box
    });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
    input.addEventListener("blur", function () {
      close();
    });
  }

  function setUpAll(scope) {
    (scope || document).querySelectorAll("[data-search-select]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  else setUpAll();
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
