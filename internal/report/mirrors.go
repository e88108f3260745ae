package report

import (
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"io"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/mirrors"
)

// MirrorsReport is the JSON document of godoctor mirrors.
type MirrorsReport struct {
	Probe struct {
		Module string `json:"module"`
	} `json:"probe"`
	SumDB   MirrorsSumDB  `json:"sumdb"`
	Mirrors []MirrorEntry `json:"mirrors"`
	Fastest string        `json:"fastest"`
	Note    string        `json:"note,omitempty"`
}

// MirrorsSumDB says which checksum database judged the mirrors and how it
// was reached.
type MirrorsSumDB struct {
	Name  string `json:"name"`
	Via   string `json:"via,omitempty"`
	Error string `json:"error,omitempty"`
}

// MirrorEntry is one mirror of the report.
type MirrorEntry struct {
	Name           string         `json:"name"`
	URL            string         `json:"url"`
	Region         string         `json:"region,omitempty"`
	Status         mirrors.Status `json:"status"`
	LatencyMS      LatencyMS      `json:"latency_ms"`
	SetupMS        SetupMS        `json:"setup_ms"`
	Samples        int            `json:"samples"`
	ThroughputMbps float64        `json:"throughput_mbps"`
	Verified       bool           `json:"verified"`
	SumDBProxied   *bool          `json:"sumdb_proxied"`
	Error          string         `json:"error"`
}

// LatencyMS is time to first byte in milliseconds.
type LatencyMS struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// SetupMS is what the first connection cost, in milliseconds.
type SetupMS struct {
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	TLS     float64 `json:"tls"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// NewMirrorsReport converts a benchmark's ranked report.
func NewMirrorsReport(r mirrors.Report, dbName string) MirrorsReport {
	var out MirrorsReport
	out.Probe.Module = r.Probe.String()
	out.SumDB = MirrorsSumDB{Name: dbName}
	if r.SumDB.Err != nil {
		out.SumDB.Error = r.SumDB.Err.Error()
	} else {
		out.SumDB.Via = r.SumDB.Route.Via(i18n.Printer{})
	}
	out.Fastest, out.Note = r.Fastest, r.Note
	out.Mirrors = []MirrorEntry{}
	for _, m := range r.Mirrors {
		out.Mirrors = append(out.Mirrors, MirrorEntry{
			Name: m.Name, URL: redact.URL(m.URL), Region: m.Region, Status: m.Status,
			LatencyMS:      LatencyMS{Min: ms(m.Latency.Min), Median: ms(m.Latency.Median), Max: ms(m.Latency.Max)},
			SetupMS:        SetupMS{DNS: ms(m.Phases.DNS), Connect: ms(m.Phases.Connect), TLS: ms(m.Phases.TLS)},
			Samples:        m.Requests / 3,
			ThroughputMbps: float64(int(m.ThroughputMbps*10)) / 10,
			Verified:       m.Verified,
			SumDBProxied:   m.SumDBProxied,
			Error:          m.Error,
		})
	}
	return out
}

// WriteMirrorsText writes the ranked table, then what to do with it.
func WriteMirrorsText(w io.Writer, r MirrorsReport, lang i18n.Lang) error {
	pr := i18n.Printer{Lang: lang}
	var b strings.Builder
	if r.SumDB.Error == "" {
		b.WriteString(pr.T("Probe %s, checked against %s (%s)", r.Probe.Module, r.SumDB.Name, r.SumDB.Via) + "\n\n")
	} else {
		b.WriteString(pr.T("Probe %s, not checked against %s: %s", r.Probe.Module, r.SumDB.Name, r.SumDB.Error) + "\n\n")
	}
	rows := [][]string{append([]string{"#"}, strings.Split(pr.T("MIRROR\tSTATUS\tMEDIAN\tMIN\tMAX\tTHROUGHPUT\tVERIFIED\tSUMDB"), "\t")...)}
	for i, m := range r.Mirrors {
		row := []string{fmt.Sprint(i + 1), m.Name, string(m.Status), "-", "-", "-", "-", YesNo(pr, m.Verified), proxied(pr, m.SumDBProxied)}
		if m.Samples > 0 {
			row[3], row[4], row[5] = msText(m.LatencyMS.Median), msText(m.LatencyMS.Min), msText(m.LatencyMS.Max)
		}
		if m.ThroughputMbps > 0 {
			row[6] = Mbps(m.ThroughputMbps)
		}
		rows = append(rows, row)
	}
	writeTable(&b, rows)
	for _, m := range r.Mirrors {
		if m.Error != "" {
			fmt.Fprintf(&b, "\n%s (%s): %s", m.Name, m.URL, m.Error)
		}
	}
	if r.Note != "" {
		fmt.Fprintf(&b, "\n\n%s", r.Note)
	}
	if r.Fastest != "" {
		for _, m := range r.Mirrors {
			if m.Name == r.Fastest {
				b.WriteString("\n\n" + pr.T("Fastest verified mirror: %s. To make it the module proxy:", m.Name))
				fmt.Fprintf(&b, "\n  go env -w GOPROXY=%s,direct\n", strings.TrimSuffix(m.URL, "/"))
			}
		}
	} else {
		b.WriteString("\n\n" + pr.T("No mirror served content verified by the checksum database.") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable writes rows as columns two spaces apart, each as wide as its
// widest cell in display width: a Chinese header takes two columns a
// character, which a tab writer, counting runes, would not give it.
func writeTable(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, c := range row {
			line.WriteString(c)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// Mbps formats a throughput, "-" when none was measured.
func Mbps(v float64) string {
	if v <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f Mbit/s", v)
}

func msText(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f ms", v)
	}
	return fmt.Sprintf("%.1f ms", v)
}

// YesNo is "yes" or "no" in the printer's language.
func YesNo(pr i18n.Printer, b bool) string {
	if b {
		return pr.T("yes")
	}
	return pr.T("no")
}

func proxied(pr i18n.Printer, p *bool) string {
	switch {
	case p == nil:
		return "?"
	case *p:
		return pr.T("proxied")
	}
	return pr.T("direct")
}
