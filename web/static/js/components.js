/*
 * Alpine.js components (CSP build: components are registered by name here, never written
 * as expressions in the page). Loaded before alpine-csp.min.js, which starts Alpine.
 */
document.addEventListener("alpine:init", function () {
    "use strict";

    /* The call clock: seconds since the call screen opened, for the handler's eye. */
    window.Alpine.data("callClock", function () {
        return {
            started: Date.now(),
            now: Date.now(),
            timer: null,
            init: function () {
                var self = this;
                this.timer = setInterval(function () {
                    self.now = Date.now();
                }, 1000);
            },
            destroy: function () {
                clearInterval(this.timer);
            },
            get elapsed() {
                var s = Math.floor((this.now - this.started) / 1000);
                var m = Math.floor(s / 60);
                s = s % 60;
                return m + ":" + (s < 10 ? "0" : "") + s;
            }
        };
    });

    /* A disclosure: a button that shows or hides the next region (aria-expanded kept true). */
    window.Alpine.data("disclosure", function () {
        return {
            open: false,
            toggle: function () {
                this.open = !this.open;
            },
            get expanded() {
                return this.open ? "true" : "false";
            },
            get hidden() {
                return !this.open;
            }
        };
    });
});
