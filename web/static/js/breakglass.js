/*
 * Break the glass: the refusal page's form posts {object_type, object_id, reason} as JSON
 * to /api/v1/break-glass with the page's CSRF token; when the grant is made the page
 * reloads and shows the record. A refusal is shown in the server's words.
 */
(function () {
    "use strict";

    function show(form, text) {
        var box = document.getElementById("break-glass-error");
        if (!box) {
            box = document.createElement("div");
            box.id = "break-glass-error";
            box.className = "notice notice--error";
            box.setAttribute("role", "alert");
            box.setAttribute("tabindex", "-1");
            form.parentNode.insertBefore(box, form);
        }
        box.textContent = text;
        box.focus();
    }

    document.addEventListener("DOMContentLoaded", function () {
        var form = document.getElementById("break-glass-form");
        if (!form) {
            return;
        }
        form.addEventListener("submit", function (ev) {
            ev.preventDefault();
            var meta = document.querySelector('meta[name="csrf-token"]');
            var button = form.querySelector("button[type=submit]");
            button.disabled = true;
            fetch("/api/v1/break-glass", {
                method: "POST",
                credentials: "same-origin",
                headers: {
                    "Content-Type": "application/json",
                    Accept: "application/json",
                    "X-CSRF-Token": meta ? meta.getAttribute("content") : ""
                },
                body: JSON.stringify({
                    object_type: form.getAttribute("data-object-type"),
                    object_id: parseInt(form.getAttribute("data-object-id"), 10),
                    reason: form.elements.reason.value
                })
            }).then(function (r) {
                if (r.status === 201) {
                    window.location.reload();
                    return null;
                }
                button.disabled = false;
                return r.json().then(function (p) {
                    show(form, (p && p.detail) || "The record could not be opened.");
                }, function () {
                    show(form, "The record could not be opened (" + r.status + ").");
                });
            }).catch(function () {
                button.disabled = false;
                show(form, "The server cannot be reached. Try again.");
            });
        });
    });
})();
