/*
 * FirstContact page glue, loaded on every page (deferred). No inline scripts exist: the
 * Content-Security-Policy is default-src 'self'.
 *  - Sends the page's CSRF token with every htmx request (header X-CSRF-Token).
 *  - Keeps htmx from evaluating code (the CSP forbids eval anyway).
 *  - Moves focus to the first error or the first field of a swapped-in fragment that asks
 *    for it (data-autofocus), so keyboard users land where they need to be.
 *  - Screening questions ("one by one"): answering one moves focus to the next.
 *  - Sign-out posts to /api/v1/logout with the CSRF header.
 */
(function () {
    "use strict";

    function csrfToken() {
        var m = document.querySelector('meta[name="csrf-token"]');
        return m ? m.getAttribute("content") : "";
    }

    document.addEventListener("htmx:configRequest", function (ev) {
        var t = csrfToken();
        if (t) {
            ev.detail.headers["X-CSRF-Token"] = t;
        }
    });

    /* htmx answers 4xx/5xx with no swap by default: show the server's words instead. */
    document.addEventListener("htmx:responseError", function (ev) {
        var target = document.getElementById("flash");
        if (!target) {
            return;
        }
        var status = ev.detail.xhr ? ev.detail.xhr.status : 0;
        target.textContent = status === 403
            ? "You do not have access to that."
            : status === 401
                ? "Your session has ended. Please sign in again."
                : "Something went wrong (" + status + "). Please try again.";
        target.hidden = false;
    });

    function focusFirst(root) {
        var el = root.querySelector("[data-autofocus]") ||
            root.querySelector('[aria-invalid="true"]');
        if (el && typeof el.focus === "function") {
            el.focus();
        }
    }

    document.addEventListener("htmx:afterSettle", function (ev) {
        if (ev.detail.target && ev.detail.target.hasAttribute("data-focus-on-swap")) {
            focusFirst(ev.detail.target);
        }
    });

    /* A question answered: reveal and focus the next one. */
    document.addEventListener("change", function (ev) {
        var input = ev.target;
        if (!input || input.type !== "radio") {
            return;
        }
        var q = input.closest(".question");
        if (!q) {
            return;
        }
        var next = q.nextElementSibling;
        while (next && !next.classList.contains("question")) {
            next = next.nextElementSibling;
        }
        if (next) {
            next.hidden = false;
            var first = next.querySelector("input");
            if (first && !q.hasAttribute("data-answered")) {
                first.focus();
            }
        } else {
            var after = document.getElementById(q.getAttribute("data-after") || "grading");
            if (after && !q.hasAttribute("data-answered")) {
                after.hidden = false;
                var f = after.querySelector("select, input, button");
                if (f) {
                    f.focus();
                }
            }
        }
        q.setAttribute("data-answered", "");
    });

    /* Sign out through the JSON API with the CSRF header, then back to the sign-in page. */
    document.addEventListener("submit", function (ev) {
        var form = ev.target;
        if (!form || form.id !== "logout-form") {
            return;
        }
        ev.preventDefault();
        fetch("/api/v1/logout", {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRF-Token": csrfToken() }
        }).finally(function () {
            window.location.assign("/login");
        });
    });

    document.addEventListener("DOMContentLoaded", function () {
        var main = document.querySelector("main");
        if (main && !document.querySelector("[autofocus]")) {
            focusFirst(main);
        }
    });
})();
