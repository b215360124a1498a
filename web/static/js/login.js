/*
 * The sign-in form: posts the username and password as JSON to /api/v1/login (a request a
 * cross-site form cannot forge: it needs Content-Type application/json, which no HTML form
 * can send), which sets the session cookie; then the start page for the role ("/" sends
 * each role to its own). Failures are shown in words in the alert region.
 */
(function () {
    "use strict";

    function show(form, text) {
        var box = document.getElementById("login-error");
        if (!box) {
            box = document.createElement("div");
            box.id = "login-error";
            box.className = "notice notice--error";
            box.setAttribute("role", "alert");
            box.setAttribute("tabindex", "-1");
            form.parentNode.insertBefore(box, form);
        }
        box.textContent = text;
        box.focus();
    }

    function body(form) {
        var b = {
            username: form.elements.username.value,
            password: form.elements.password.value
        };
        var code = form.elements.totp ? form.elements.totp.value.replace(/\s+/g, "") : "";
        if (code !== "") {
            b.totp = code;
        }
        return b;
    }

    document.addEventListener("DOMContentLoaded", function () {
        var form = document.getElementById("login-form");
        if (!form) {
            return;
        }
        form.addEventListener("submit", function (ev) {
            ev.preventDefault();
            var button = form.querySelector("button[type=submit]");
            button.disabled = true;
            fetch("/api/v1/login", {
                method: "POST",
                credentials: "same-origin",
                headers: { "Content-Type": "application/json", Accept: "application/json" },
                body: JSON.stringify(body(form))
            }).then(function (r) {
                if (r.ok) {
                    window.location.assign("/");
                    return null;
                }
                button.disabled = false;
                if (r.status === 429) {
                    show(form, "Too many failed sign-ins. Wait a few minutes and try again.");
                    form.elements.password.value = "";
                    return null;
                }
                if (r.status !== 401) {
                    show(form, "Sign-in failed (" + r.status + "). Try again.");
                    form.elements.password.value = "";
                    return null;
                }
                return r.json().then(function (p) {
                    if (p && p.field === "totp") {
                        /* the password was right: keep it and ask for the code */
                        show(form, p.detail || "Enter the one-time code from your app.");
                        if (form.elements.totp) {
                            form.elements.totp.value = "";
                            form.elements.totp.focus();
                        }
                    } else {
                        show(form, "The username or password is wrong.");
                        form.elements.password.value = "";
                    }
                }, function () {
                    show(form, "The username or password is wrong.");
                    form.elements.password.value = "";
                });
            }).catch(function () {
                button.disabled = false;
                show(form, "The server cannot be reached. Try again.");
            });
        });
    });
})();
