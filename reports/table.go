package reports

import "strings"

// Table is a small grid a report shows as it is, such as the client retry
// matrix (client × fault × rule generation). Its producer (package retries)
// builds it; reports only render it, so they need not know what it holds.
type Table struct {
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Note    string     `json:"note,omitempty"`
}

// Markdown renders t as a Markdown table, its note below.
func (t *Table) Markdown() string {
	if t == nil || len(t.Rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("| " + strings.Join(t.Columns, " | ") + " |\n|")
	b.WriteString(strings.Repeat("---|", len(t.Columns)) + "\n")
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			if c == "" {
				c = " "
			}
			cells[i] = c
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	if t.Note != "" {
		b.WriteString("\n" + t.Note + "\n")
	}
	return b.String()
}
