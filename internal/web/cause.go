package web

import (
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/godoctorhq/godoctor/internal/i18n"
)

// Cause says in a person's words what stopped a request, for the failures
// that point at this machine rather than at the server: a certificate that
// no root of this machine vouches for (a company's TLS inspection), the
// HTTP proxy of HTTPS_PROXY or HTTP_PROXY, a name DNS does not know, a
// port nothing listens on. "" for anything else.
func Cause(pr i18n.Printer, err error) string {
	if err == nil {
		return ""
	}
	var unknownCA x509.UnknownAuthorityError
	var dns *net.DNSError
	var op *net.OpError
	var he *HTTPError
	switch {
	case errors.As(err, &he) && he.StatusCode == 407,
		// A refused CONNECT tunnel: net/http gives only the status text.
		strings.HasSuffix(err.Error(), ": Proxy Authentication Required"):
		return pr.T("the HTTP proxy asks for credentials (407 Proxy Authentication Required): put the user and password in HTTPS_PROXY's URL, before its host")
	case errors.As(err, &unknownCA):
		return pr.T("the certificate is signed by an authority this machine does not trust (x509: certificate signed by unknown authority): a company's TLS inspection does that; give Go its root certificate with SSL_CERT_FILE or SSL_CERT_DIR")
	case errors.As(err, &op) && op.Op == "proxyconnect":
		return pr.T("the HTTP proxy of HTTPS_PROXY or HTTP_PROXY cannot be reached (%v): every request through it fails", op.Err)
	case errors.As(err, &dns):
		return pr.T("DNS does not resolve %s", dns.Name)
	case errors.As(err, &op) && op.Op == "dial":
		return pr.T("nothing answers at %v", op.Addr)
	}
	return ""
}
