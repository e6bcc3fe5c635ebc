// Injected after axe.min.js into a copy of a page (see README.md). Runs the
// WCAG 2.0 A/AA and 2.1 AA rules and writes the outcome, as JSON, into
// <pre id="axe-result" data-axe-done="1"> at the end of <body>, where
// `chromium --dump-dom` shows it. Only characters that need no HTML escaping
// are written (<, >, &, and everything outside ASCII become \uXXXX inside
// JSON strings), so the text between the tags is the JSON itself.
(function () {
  "use strict";

  function ascii(json) {
    return json.replace(/[^\x20-\x7e]|[<>&]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function report(outcome) {
    var text;
    try {
      text = ascii(JSON.stringify(outcome));
    } catch (e) {
      text = ascii(JSON.stringify({ error: "unserialisable result: " + e }));
    }
    var pre = document.createElement("pre");
    pre.id = "axe-result";
    pre.setAttribute("data-axe-done", "1");
    pre.hidden = true;
    pre.textContent = text;
    (document.body || document.documentElement).appendChild(pre);
  }

  if (typeof window.axe === "undefined" || typeof window.axe.run !== "function") {
    report({ error: "axe-core did not load (axe.min.js missing next to the page?)" });
    return;
  }

  try {
    window.axe
      .run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"] },
        resultTypes: ["violations"],
      })
      .then(
        function (results) {
          report({
            axe: window.axe.version,
            violations: results.violations.map(function (v) {
              return {
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(function (n) {
                  return { target: n.target, html: n.html, summary: n.failureSummary };
                }),
              };
            }),
            passes: results.passes.length,
            incomplete: results.incomplete.length,
          });
        },
        function (e) {
          report({ error: String((e && e.stack) || e) });
        }
      );
  } catch (e) {
    report({ error: String((e && e.stack) || e) });
  }
})();
