// The page of a portal link (GET /portal/open/<token>) goes on at once in a
// browser: this submits its form, which uses the link up. A service that
// fetches the link to preview it runs no script and leaves the link unused.
document.querySelector('form[data-open-link]')?.requestSubmit();
