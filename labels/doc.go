// Package labels builds the labels of accounting entry lines: the short text
// shown in the accountant's ledger next to each line of an entry.
//
// A [Labeler] is built once from a [Config] and then labels any number of
// lines, concurrently if needed:
//
//	l, err := labels.New(labels.Config{}) // default strategy, no length limit
//	if err != nil {
//		return err
//	}
//	label := l.Label(labels.Fields{PartnerLine: true, Partner: "Dupont SARL"})
//	// label == "Dupont SARL"
//
// Five strategies are available (product spec §7): [PartnerThenDescription]
// (the default), [PartnerName], [PartnerAndDescription], [PartnerAndNumber]
// and [Template], the latter over the fields listed by [TemplateFields], e.g.
//
//	labels.New(labels.Config{Strategy: labels.Template, Template: "{date} {partner} {number}"})
//
// Labels are cleaned (valid UTF-8, no control characters, single spaces,
// trimmed), never empty, and cut to [Config.MaxLength] runes with [Truncate],
// which never splits a UTF-8 sequence nor a character from its combining
// marks.
package labels
