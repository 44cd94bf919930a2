export const id = 525;
export const ids = [525];
export const modules = {

/***/ 5525:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   fitComment: () => (/* binding */ fitComment),
/* harmony export */   upsertComment: () => (/* binding */ upsertComment)
/* harmony export */ });
/* unused harmony exports COMMENT_MARKER, MAX_COMMENT */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _qonversion_untrusted_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8336);
/* harmony import */ var _transport_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9646);
// The manifest plan as one pull-request comment: kept under GitHub's size limit, found again by a hidden marker.




/**
 * Hidden in the rendered comment. Any comment whose body contains it is taken as this action's, whoever wrote it:
 * GITHUB_TOKEN writes as github-actions[bot] but a personal or app token writes as someone else, and nobody types
 * an HTML comment by accident. If several carry it, the oldest is updated.
 */
const COMMENT_MARKER = '<!-- qonversion-integration-action:manifest -->';
/** GitHub refuses a comment body over 65,536 characters. */
const MAX_COMMENT = 65_536;
/** Cuts to at most `max` UTF-16 units with an ellipsis, never through a surrogate pair. */
function clip(text, max) {
    if (text.length <= max)
        return text;
    let cut = max - 1;
    const last = text.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff)
        cut -= 1;
    return `${text.slice(0, cut)}…`;
}
const join = (blocks) => blocks.filter((b) => b !== undefined).join('\n\n');
/**
 * Fits a markdown body under GitHub's limit: below the limit unchanged; otherwise the table is folded in <details>,
 * then cut at a row with a note saying how many rows were left out and pointing to the job summary. Always
 * includes the marker. The limit is checked on `length` (UTF-16 units), never fewer than the characters GitHub
 * counts, so the result is accepted whatever the text holds.
 */
function fitComment(parts) {
    const whole = join([`${COMMENT_MARKER}\n${parts.heading}`, parts.table, parts.footer]);
    if (whole.length <= MAX_COMMENT)
        return whole;
    const lines = parts.table.split('\n');
    // A markdown table's header and `|---|` line are kept so the rows that remain still render as a table.
    const headerSize = lines.length > 1 && /^\s*\|?\s*:?-+:?\s*(\||$)/.test(lines[1]) ? 2 : 0;
    const header = lines.slice(0, headerSize);
    const rows = lines.slice(headerSize);
    const build = (shown, heading, footer) => {
        const left = rows.length - shown;
        const note = `**${left} of ${rows.length} rows are not shown**: this comment would be longer than GitHub's limit of ` +
            `${MAX_COMMENT.toLocaleString('en-US')} characters. The full plan is in the job summary of the run that posted it.`;
        const table = [...header, ...rows.slice(0, shown)].join('\n');
        return join([
            `${COMMENT_MARKER}\n${heading}`,
            `<details><summary>Plan: ${shown} of ${rows.length} rows</summary>\n\n${table}\n\n</details>`,
            note,
            footer
        ]);
    };
    // Heading and footer are the caller's few lines; only if they alone break the limit are they cut too.
    let heading = parts.heading;
    let footer = parts.footer;
    const spare = MAX_COMMENT - build(0, '', footer === undefined ? undefined : '').length;
    if (heading.length + (footer?.length ?? 0) > spare) {
        const footerRoom = Math.min(footer?.length ?? 0, Math.floor(spare / 2));
        footer = footer === undefined ? undefined : clip(footer, footerRoom);
        heading = clip(heading, spare - (footer?.length ?? 0));
    }
    // The longest prefix of rows that fits, by binary search: each row adds its length, the counts a digit at most.
    // Only a checked length is returned (none of the rows fits when low stays 0, which the cut above made fit).
    let low = 0;
    let high = rows.length;
    while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (build(mid, heading, footer).length <= MAX_COMMENT)
            low = mid;
        else
            high = mid - 1;
    }
    return build(low, heading, footer);
}
function isRequestFailure(error) {
    return error instanceof Error && typeof error.status === 'number';
}
/** What failed, and for 403 what the workflow must grant: the usual cause is a token without that scope. */
function failure(what, where, error) {
    if (!isRequestFailure(error) || error.response === undefined) {
        // Octokit throws only Errors: a RequestError without a response when the request never got one.
        const message = `Could not ${what} on ${where}: GitHub was not reached (${(0,_qonversion_untrusted_js__WEBPACK_IMPORTED_MODULE_2__/* .neutralise */ .$)(error.message)}).`;
        return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ExpectedFailure */ .Hb(message, { cause: error });
    }
    const hint = error.status === 403
        ? ' The token may not write pull-request comments: give the job `permissions: pull-requests: write`. ' +
            'Pull requests from forks get a read-only GITHUB_TOKEN whatever the workflow asks, so no comment can be posted there.'
        : '';
    const message = `Could not ${what} on ${where}: GitHub answered HTTP ${error.status}: ${(0,_qonversion_untrusted_js__WEBPACK_IMPORTED_MODULE_2__/* .neutralise */ .$)(error.message)}.${hint}`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ExpectedFailure */ .Hb(message, { cause: error });
}
/**
 * @actions/github's Octokit sends through the `undici` package's own fetch, unseen by interceptors such as nock;
 * Node's global fetch does the same job. Behind a proxy (which global fetch ignores) keep @actions/github's fetch,
 * which routes through it and honours NO_PROXY.
 */
function requestOptions(env) {
    return (0,_transport_js__WEBPACK_IMPORTED_MODULE_3__/* .proxyConfigured */ .$o)(env) ? {} : { request: { fetch: globalThis.fetch } };
}
/**
 * Finds this action's comment on the PR — the marker, written by this token's identity — through every page and
 * updates it, or creates one. A comment someone else wrote with the marker pasted in is never touched.
 * `body` comes from fitComment, which puts the marker in: a body without it would be posted anew on every run.
 * A failure throws an ExpectedFailure that says which request failed and, for 403, which permission to grant.
 */
async function upsertComment(options) {
    const { token, owner, repo, issueNumber, body, apiUrl } = options;
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
        // Left out when not given, so that @actions/github's default (GITHUB_API_URL, for GitHub Enterprise) applies.
        ...(apiUrl ? { baseUrl: apiUrl } : {}),
        ...requestOptions(process.env)
    });
    const where = `pull request #${issueNumber} of ${owner}/${repo}`;
    // Ours is a comment with the marker written by this token's identity — never anyone else's, though a token that
    // may write comments may edit theirs too: someone can paste the marker into a comment of their own.
    const ours = await authorTest(octokit, token, where);
    let existing;
    try {
        const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: issueNumber,
            per_page: 100
        });
        for await (const page of pages) {
            existing = page.data.find((c) => c.body?.includes(COMMENT_MARKER) && ours(c.user))?.id;
            if (existing !== undefined)
                break;
        }
    }
    catch (error) {
        throw failure('list the comments', where, error);
    }
    if (existing !== undefined) {
        try {
            const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body });
            return { id: data.id, url: data.html_url, action: 'updated' };
        }
        catch (error) {
            // Deleted since it was listed: post a new one below.
            if (!(isRequestFailure(error) && error.status === 404))
                throw failure(`update comment ${existing}`, where, error);
        }
    }
    try {
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
        return { id: data.id, url: data.html_url, action: 'created' };
    }
    catch (error) {
        throw failure('post the plan comment', where, error);
    }
}
/**
 * Which comment authors are this token's identity. An installation token (`ghs_`: GITHUB_TOKEN, a GitHub App)
 * writes as a bot — github-actions[bot] for GITHUB_TOKEN — and cannot ask who it is; any other token (a personal
 * one) is asked once (GET /user) for its login.
 */
async function authorTest(octokit, token, where) {
    if (token.startsWith('ghs_'))
        return (author) => author?.type === 'Bot';
    try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return (author) => author?.login === data.login;
    }
    catch (error) {
        throw failure('find which user the token belongs to (to find its comment)', where, error);
    }
}


/***/ })

};
