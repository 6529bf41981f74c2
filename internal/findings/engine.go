package findings

import (
	"cmp"
	"slices"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
	"github.com/hss-tf/terraform-provider-hss/internal/patterns"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// ControlPlane are the identities exempt from the exemptible rules by
// default: the components whose routine work (reading Secrets for pods,
// requesting tokens, leader election) would flood them. Not all of
// system:*: a stolen service-account token is system:serviceaccount:...
var ControlPlane = []string{"system:kube-controller-manager", "system:kube-scheduler", "system:apiserver", "system:node:*"}

// Patterns are the wildcard values of allowed_usernames and trusted_images.
type Patterns = patterns.Set

// NewPatterns builds Patterns from values.
func NewPatterns(vs ...string) Patterns { return patterns.New(vs...) }

// Config selects and tunes the rules.
type Config struct {
	Rules            []string // names; empty: every rule
	AllowedUsernames Patterns // exempt from the exemptible rules
	TrustedImages    Patterns // exempt from the pod rules (privileged, host namespaces, host mounts)
	MaxFindings      int      // the newest kept; 0: no cap
}

// Finding is one rule fired by one request.
type Finding struct {
	Rule, Severity                         string
	Time                                   int64 // epoch ms of the record
	User, Verb                             string
	Resource, Subresource, Namespace, Name string
	SourceIPs                              []string
	AuditID, Stage, Message                string
}

// Engine evaluates the selected rules over records as a read hands them
// over, keeping findings only.
type Engine struct {
	cfg      Config
	rules    []*Rule
	exempt   Patterns
	seen     map[string]*Finding // rule + audit ID: one finding per request and rule, whatever its stages (nil: dropped by the cap)
	findings []*Finding
	counts   map[string]int64
	judgless map[string]int64
	total    int64 // findings, beyond the cap too
}

// NewEngine returns an engine of the rules cfg names; unknown names are
// the caller's to refuse (see RuleNames).
func NewEngine(cfg Config) *Engine {
	e := &Engine{cfg: cfg, seen: map[string]*Finding{}, counts: map[string]int64{}, judgless: map[string]int64{},
		exempt: NewPatterns(ControlPlane...)}
	for i := range Catalogue {
		r := &Catalogue[i]
		if len(cfg.Rules) == 0 || slices.Contains(cfg.Rules, r.Name) {
			e.rules = append(e.rules, r)
			e.counts[r.Name], e.judgless[r.Name] = 0, 0
		}
	}
	return e
}

// RuleNames are the catalogue's rule names.
func RuleNames() []string {
	out := make([]string, len(Catalogue))
	for i, r := range Catalogue {
		out[i] = r.Name
	}
	return out
}

// Add evaluates one record, its content parsed as ev (nil for free text
// and malformed events) of kind.
func (e *Engine) Add(r *hss.Record, ev *k8saudit.Event, kind k8saudit.Kind) {
	if kind == k8saudit.Malformed {
		for _, rule := range e.rules {
			if rule.Name == "malformed" {
				id := k8saudit.MalformedAuditID(r.Content)
				e.keep(rule, Finding{Time: r.Time, AuditID: id, Message: "a record claims to be an audit event and fails strict parsing (truncated, trailing data, " +
					"a kind other than Event, or duplicate or case-variant keys): it could pass one request off as another"}, "")
			}
		}
		return
	}
	if ev == nil {
		return
	}
	in := &input{ev: ev, content: r.Content, cfg: &e.cfg}
	if ev.ObjectRef != nil {
		in.ref = *ev.ObjectRef
	}
	user := ev.User.Username
	exempt := e.cfg.AllowedUsernames.Match(user) || e.exempt.Match(user)
	for _, rule := range e.rules {
		if rule.check == nil || rule.Exemptible && exempt {
			continue
		}
		v := rule.check(in)
		// RequestReceived is audited before the body is read, at any level:
		// that it has none tells nothing of what the request's later stages hold.
		if v.judgeless && ev.Stage != "RequestReceived" {
			e.judgless[rule.Name]++
		}
		if !v.fired {
			continue
		}
		e.keep(rule, Finding{Time: r.Time, User: user, Verb: ev.Verb, Resource: in.ref.Resource, Subresource: in.ref.Subresource,
			Namespace: in.ref.Namespace, Name: in.ref.Name, SourceIPs: ev.SourceIPs, AuditID: ev.AuditID, Stage: ev.Stage,
			Message: v.message}, ev.AuditID)
	}
}

// keep records a finding once per request (audit ID) and rule.
func (e *Engine) keep(rule *Rule, f Finding, auditID string) {
	f.Rule, f.Severity = rule.Name, rule.Severity
	// Every text is the requester's (user names, object names, URIs, even
	// the audit ID a client may set): escaped, so that a module's message
	// built from them cannot drive a terminal.
	for _, s := range []*string{&f.Message, &f.User, &f.Verb, &f.Resource, &f.Subresource, &f.Namespace, &f.Name, &f.Stage} {
		*s = safetext.Escape(*s)
	}
	f.AuditID = safetext.Truncate(safetext.Escape(f.AuditID), 64)
	if f.SourceIPs != nil {
		ips := make([]string, len(f.SourceIPs))
		for i, ip := range f.SourceIPs {
			ips[i] = safetext.Escape(ip)
		}
		f.SourceIPs = ips
	}
	// A client may set its requests' Audit-ID: the key holds what every
	// stage of one request shares too, so that requests reusing an ID
	// stay findings of their own.
	k := strings.Join([]string{rule.Name, auditID, f.User, f.Verb, f.Resource, f.Subresource, f.Namespace, f.Name}, "\x00")
	if auditID != "" {
		if prev, seen := e.seen[k]; seen {
			// The request's first stage to fire the rule stands for it, unless
			// that was RequestReceived, which knows neither the response nor
			// the authorizer's decision.
			if prev != nil && prev.Stage == "RequestReceived" && f.Stage != "RequestReceived" {
				*prev = f
			}
			return
		}
	}
	e.counts[rule.Name]++
	e.total++
	p := &f
	if auditID != "" {
		e.seen[k] = p
	}
	e.findings = append(e.findings, p)
	if n := e.cfg.MaxFindings; n > 0 && len(e.findings) >= 2*n {
		e.trim(n) // the service may list oldest or newest first: keep the newest, in bounded memory
	}
}

// trim keeps the n newest findings.
func (e *Engine) trim(n int) {
	byTime(e.findings)
	cut := len(e.findings) - n
	for _, f := range e.findings[:cut] {
		if k := f.Rule + "\x00" + f.AuditID; f.AuditID != "" && e.seen[k] == f {
			e.seen[k] = nil // still seen: the request is counted once
		}
	}
	e.findings = slices.Delete(e.findings, 0, cut) // which clears the tail: the dropped can be freed
}

func byTime(f []*Finding) {
	slices.SortStableFunc(f, func(a, b *Finding) int { return cmp.Compare(a.Time, b.Time) })
}

// Result is the engine's outcome.
type Result struct {
	Findings     []Finding        // oldest first, at most MaxFindings (the newest)
	Total        int64            // every finding, beyond the cap too
	Counts       map[string]int64 // every selected rule, 0 included
	NotEvaluable map[string]int64 // events a selected rule was about but could not judge
}

// Result returns the findings in time order.
func (e *Engine) Result() Result {
	if n := e.cfg.MaxFindings; n > 0 && len(e.findings) > n {
		e.trim(n)
	}
	byTime(e.findings)
	f := make([]Finding, len(e.findings))
	for i, p := range e.findings {
		f[i] = *p
	}
	return Result{Findings: f, Total: e.total, Counts: e.counts, NotEvaluable: e.judgless}
}
