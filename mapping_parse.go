package invoicesync

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/invoicesync/invoicesync/rounding"
)

// startDateForms are the accepted forms of start_date, as the error says them.
const startDateForms = "a date 2006-01-02 or an RFC 3339 time 2006-01-02T15:04:05Z07:00"

// ParseMapping reads one Mapping from the JSON object in r, strictly:
//
//   - a key the Mapping does not have (a misspelt "sales_defualt") is
//     refused, naming its key path ("accounts.sales_defualt") and the keys
//     accepted there; keys are matched exactly, case included, where
//     encoding/json would silently drop an unknown key and ignore case;
//   - a value of the wrong JSON type is refused, naming its key path
//     ("sales_vat[0].rate");
//   - start_date is a date 2006-01-02 (midnight UTC) or an RFC 3339 time;
//     anything else is refused, saying the accepted forms. (The field stays
//     a time.Time; json.Unmarshal, which does not know this form, accepts
//     only RFC 3339 there.)
//   - anything after the object but white space is refused.
//
// The options are then checked as NewBuilder checks them (scope, statuses,
// code lists, rates, currency…). The accounts, VAT codes and journals are
// not checked against a ledger: that is Validate's job.
//
// Every error is a *MappingError listing every problem found, each a
// *SyncError with CodeMappingInvalid naming its key path in Field, the value
// found in Value and what is accepted in Expected; a failure to read r is
// its only problem's Err.
func ParseMapping(r io.Reader) (*Mapping, error) {
	fail := func(key, value, expected, msg, resolution string, err error) error {
		return &MappingError{Problems: []*SyncError{{
			Code: CodeMappingInvalid, Field: key, Value: value, Expected: expected,
			Message: msg, Resolution: resolution, Err: err,
		}}}
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail("", "", "a JSON object", "the mapping is empty", "write the mapping as a JSON object", nil)
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fail("", "", "a JSON object", fmt.Sprintf("the mapping is not valid JSON at byte %d", se.Offset),
				"fix the JSON syntax", err)
		}
		return nil, fail("", "", "", "the mapping could not be read", "check where the mapping is read from", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fail("", "", "one JSON object", "data follows the mapping object",
			"remove what follows the closing brace of the mapping", err)
	}
	var tree any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&tree); err != nil { // unreachable: raw is one valid JSON value
		return nil, fail("", "", "a JSON object", "the mapping is not valid JSON", "fix the JSON syntax", err)
	}
	if _, ok := tree.(map[string]any); !ok {
		return nil, fail("", jsonKind(tree), "a JSON object", "the mapping is not a JSON object",
			"write the mapping as a JSON object {…}", nil)
	}
	w := &mappingWalker{}
	w.walk("", reflect.TypeFor[Mapping](), tree)
	if len(w.problems) > 0 {
		return nil, &MappingError{Problems: w.problems}
	}
	var s strictMapping
	sd := json.NewDecoder(bytes.NewReader(raw))
	sd.DisallowUnknownFields()
	if err := sd.Decode(&s); err != nil { // unreachable: the walk checked every key and value
		return nil, fail("", "", "", "the mapping could not be decoded", "fix the mapping", err)
	}
	m := Mapping(s.mappingFields)
	m.StartDate = time.Time(s.StartDate)
	v := &mappingValidator{}
	m.validateOptions(v)
	if len(v.problems) > 0 {
		return nil, &MappingError{Problems: v.problems}
	}
	return &m, nil
}

// mappingFields is Mapping without its methods, so strictMapping can
// replace the decoding of one field.
type mappingFields Mapping

// strictMapping decodes a Mapping with start_date read as a mappingDate (the
// outer field shadows the embedded one of the same key).
type strictMapping struct {
	mappingFields
	StartDate mappingDate `json:"start_date"`
}

// mappingDate is start_date as ParseMapping reads it: a plain date
// 2006-01-02, taken at midnight UTC, or an RFC 3339 time.
type mappingDate time.Time

// UnmarshalJSON reads null (no limit), "2006-01-02" or an RFC 3339 time. Its
// error is a *SyncError naming start_date and the accepted forms.
func (d *mappingDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = mappingDate{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			*d = mappingDate(t)
			return nil
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			*d = mappingDate(t)
			return nil
		}
	} else {
		s = string(b)
	}
	return &SyncError{Code: CodeMappingInvalid, Field: "start_date", Value: s, Expected: startDateForms,
		Message: "not a date", Resolution: `write the date as "2026-01-31", or an RFC 3339 time such as "2026-01-31T00:00:00+01:00"`}
}

// mappingWalker compares a decoded JSON tree with the Go type it is meant
// for, so that each problem names its exact key path.
type mappingWalker struct {
	problems []*SyncError
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

func (w *mappingWalker) walk(path string, t reflect.Type, v any) {
	if v == nil {
		return // null leaves the zero value, as encoding/json does
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	switch {
	case t == timeType:
		w.leaf(path, reflect.TypeFor[mappingDate](), v)
		return
	case pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler):
		w.leaf(path, t, v)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			w.leaf(path, t, v)
			return
		}
		var keys []string
		fields := map[string]reflect.StructField{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			keys = append(keys, name)
			fields[name] = f
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if _, ok := fields[k]; !ok {
				w.problems = append(w.problems, &SyncError{
					Code: CodeMappingInvalid, Field: join(path, k), Value: k,
					Expected: "one of: " + strings.Join(keys, ", "),
					Message:  fmt.Sprintf("unknown key %q", k),
					Resolution: fmt.Sprintf("correct or remove the key; %s accepts: %s",
						firstNonEmpty(path, "the mapping"), strings.Join(keys, ", ")),
				})
			}
		}
		for _, k := range keys {
			if x, ok := obj[k]; ok {
				w.walk(join(path, k), fields[k].Type, x)
			}
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			w.leaf(path, t, v)
			return
		}
		for i, x := range arr {
			w.walk(path+"["+strconv.Itoa(i)+"]", t.Elem(), x)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			w.leaf(path, t, v)
			return
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			w.walk(join(path, k), t.Elem(), obj[k])
		}
	default:
		w.leaf(path, t, v)
	}
}

// leaf decodes v alone into a new t and records its error under path.
func (w *mappingWalker) leaf(path string, t reflect.Type, v any) {
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, reflect.New(t).Interface())
	}
	if err == nil {
		return
	}
	var se *SyncError
	if errors.As(err, &se) {
		se.Field = path
		w.problems = append(w.problems, se)
		return
	}
	value := string(b)
	if s, ok := v.(string); ok {
		value = s
	}
	expected := jsonTypeOf(t)
	if t == reflect.TypeFor[rounding.Policy]() {
		expected = "one of: " + acceptedRoundings
	}
	var te *json.UnmarshalTypeError
	msg := err.Error()
	if errors.As(err, &te) {
		msg = fmt.Sprintf("%s where %s is expected", jsonKind(v), expected)
	}
	w.problems = append(w.problems, &SyncError{
		Code: CodeMappingInvalid, Field: path, Value: value, Expected: expected,
		Message: msg, Resolution: "write " + path + " as " + expected,
	})
}

// jsonTypeOf says in words which JSON value a Go type is read from.
func jsonTypeOf(t reflect.Type) string {
	switch {
	case t.String() == "decimal.Decimal" || t.String() == "decimal.NullDecimal":
		return "a decimal number"
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return "a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Slice, reflect.Array:
		return "a JSON array"
	case reflect.Map, reflect.Struct:
		return "a JSON object"
	}
	return t.String()
}

// jsonKind names the JSON kind of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
