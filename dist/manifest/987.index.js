export const id = 987;
export const ids = [987];
export const modules = {

/***/ 1987:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bypassesProxy: () => (/* binding */ bypassesProxy),
/* harmony export */   proxyFor: () => (/* binding */ proxyFor),
/* harmony export */   proxyTransport: () => (/* binding */ proxyTransport)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7893);
/* harmony import */ var _node_http_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5324);
// Sends through the proxy that HTTPS_PROXY / HTTP_PROXY name, through a CONNECT tunnel, and honours NO_PROXY.
// Loaded only when a proxy variable is set. Every failure names the proxy (never its credentials) and its variable.






function variable(env, name) {
    for (const n of [name, name.toLowerCase()]) {
        const value = env[n]?.trim();
        if (value)
            return { name: n, value };
    }
    return undefined;
}
/** HTTPS_PROXY for https targets (falling back to HTTP_PROXY, as curl and undici do), HTTP_PROXY for http ones. */
function proxyFor(env, target) {
    const found = target.protocol === 'https:'
        ? (variable(env, 'HTTPS_PROXY') ?? variable(env, 'HTTP_PROXY'))
        : variable(env, 'HTTP_PROXY');
    if (!found)
        return undefined;
    let url;
    try {
        url = new URL(found.value.includes('://') ? found.value : `http://${found.value}`);
    }
    catch {
        throw new _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .TransportFailure */ .Az(`${found.name} is not a proxy address (expected http://host:port)`, false, `Fix ${found.name} in the runner's environment.`);
    }
    return { url, variable: found.name, shown: `${url.protocol}//${url.host}` };
}
/** `user:password` for Proxy-Authorization, decoded when a request goes through the proxy; none without a user. */
function credentialsOf(proxy) {
    if (!proxy.url.username)
        return undefined;
    try {
        return `${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`;
    }
    catch {
        throw new _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .TransportFailure */ .Az(`the user name or password of the proxy ${proxy.shown} in ${proxy.variable} is not valid percent-encoding`, false, `Fix ${proxy.variable}: encode special characters of the user name and password (\`%\` as %25, \`@\` as %40).`);
    }
}
/** NO_PROXY: `*`, or host names / domains (`example.com` and `.example.com` both cover subdomains), with optional port. */
function bypassesProxy(env, target) {
    const list = variable(env, 'NO_PROXY')?.value;
    if (!list)
        return false;
    const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    return list
        .split(/[\s,]+/)
        .filter(Boolean)
        .some((entry) => {
        if (entry === '*')
            return true;
        // A bare IPv6 address (`::1`) has colons but no port; `[::1]:8787` and `host:8787` have one.
        const bareIpv6 = (0,node_net__WEBPACK_IMPORTED_MODULE_3__.isIP)(entry) === 6;
        const [, name = '', entryPort] = bareIpv6
            ? [entry, entry.toLowerCase()]
            : (/^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(entry.toLowerCase()) ?? []);
        if (entryPort && entryPort !== port)
            return false;
        const domain = name.replace(/^\*?\./, '');
        return host === domain || ((0,node_net__WEBPACK_IMPORTED_MODULE_3__.isIP)(host) === 0 && host.endsWith(`.${domain}`));
    });
}
const TUNNEL_REFUSALS = {
    407: 'the proxy wants credentials: put them in the variable as http://user:password@host:port',
    403: 'the proxy does not allow this host: ask for it to be allowed, or list it in NO_PROXY if it is reachable directly'
};
/** Opens a CONNECT tunnel to the target's host and port through the proxy. */
function openTunnel(proxy, target, signal) {
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    const authority = `${target.hostname}:${port}`;
    const headers = { Host: authority };
    const credentials = credentialsOf(proxy);
    if (credentials)
        headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    const via = `the proxy ${proxy.shown} (from ${proxy.variable})`;
    const send = proxy.url.protocol === 'https:' ? (node_https__WEBPACK_IMPORTED_MODULE_1___default().request) : (node_http__WEBPACK_IMPORTED_MODULE_0___default().request);
    return new Promise((resolve, reject) => {
        const connect = send({
            protocol: proxy.url.protocol,
            host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
            port: proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80),
            method: 'CONNECT',
            path: authority,
            headers,
            signal
        });
        connect.on('connect', (answer, socket) => {
            const status = answer.statusCode ?? 0;
            if (status === 200)
                return resolve(socket);
            socket.destroy();
            const why = TUNNEL_REFUSALS[status];
            reject(new _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .TransportFailure */ .Az(`${via} refused the tunnel to ${authority}: HTTP ${status}${why ? ` — ${why}` : ''}`, status >= 500, `Check ${proxy.variable} and the proxy's rules for ${target.hostname}.`));
        });
        connect.on('error', (error) => reject(new _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .TransportFailure */ .Az(`could not reach ${via}: ${(0,_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .plainNetworkError */ .T)(error)}`, true, `Check that the proxy ${proxy.shown} (from ${proxy.variable}) is running and reachable from the runner.`)));
        connect.end();
    });
}
/** One request through the tunnel: TLS to the API inside it for https, plain HTTP for a loopback http target. */
async function throughProxy(proxy, request, signal) {
    const target = new URL(request.url);
    const socket = await openTunnel(proxy, target, signal);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
        const failed = (error) => reject(error instanceof _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .TransportFailure */ .Az
            ? error
            : new _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .TransportFailure */ .Az(`the tunnel through the proxy ${proxy.shown} (from ${proxy.variable}) closed before the answer came: ${(0,_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .plainNetworkError */ .T)(error)}`, true, `Check the proxy ${proxy.shown} (from ${proxy.variable}); re-running is safe.`));
        const outgoing = node_http__WEBPACK_IMPORTED_MODULE_0___default().request({
            protocol: 'http:',
            host,
            port: target.port || (target.protocol === 'https:' ? 443 : 80),
            path: `${target.pathname}${target.search}`,
            method: request.method,
            headers: { Host: target.host, ...(0,_node_http_js__WEBPACK_IMPORTED_MODULE_5__/* .outgoingHeaders */ .j0)(request) },
            signal,
            createConnection: () => target.protocol === 'https:'
                ? node_tls__WEBPACK_IMPORTED_MODULE_2___default().connect({ socket, servername: (0,node_net__WEBPACK_IMPORTED_MODULE_3__.isIP)(host) === 0 ? host : undefined })
                : socket
        }, (incoming) => void (0,_node_http_js__WEBPACK_IMPORTED_MODULE_5__/* .readAnswer */ .JN)(incoming).then(resolve, failed));
        outgoing.on('error', failed);
        outgoing.end(request.body);
    });
}
/**
 * Plain http:// (allowed only to a loopback host) never goes to a proxy on another host: the Bearer key would
 * cross the network in clear text on the way to it. A loopback target goes direct then; a loopback proxy is fine.
 */
function clearTextLeaves(proxy, target) {
    return target.protocol === 'http:' && !(0,_node_http_js__WEBPACK_IMPORTED_MODULE_5__/* .isLoopback */ .U9)(proxy.url.hostname);
}
function proxyTransport(env) {
    return (request, signal) => {
        const target = new URL(request.url);
        const proxy = bypassesProxy(env, target) ? undefined : proxyFor(env, target);
        return proxy && !clearTextLeaves(proxy, target)
            ? throughProxy(proxy, request, signal)
            : (0,_node_http_js__WEBPACK_IMPORTED_MODULE_5__/* .direct */ .ob)(request, signal);
    };
}


/***/ })

};
