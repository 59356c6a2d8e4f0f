package playbooks

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// The scalar shorthands keep playbooks short: a signal, a veto or an example
// may be written as a plain string instead of a mapping.

// UnmarshalYAML accepts "pattern" or {pattern: ..., weight: ...}.
func (s *Signal) UnmarshalYAML(n *yaml.Node) error {
	type plain Signal
	var p plain
	if n.Kind == yaml.ScalarNode {
		p.Pattern = n.Value
	} else if err := n.Decode(&p); err != nil {
		return err
	}
	*s = Signal(p)
	s.Line = n.Line
	return nil
}

// UnmarshalYAML accepts "pattern" or {pattern: ..., scope: log}.
func (v *Veto) UnmarshalYAML(n *yaml.Node) error {
	type plain Veto
	var p plain
	if n.Kind == yaml.ScalarNode {
		p.Pattern = n.Value
	} else if err := n.Decode(&p); err != nil {
		return err
	}
	*v = Veto(p)
	v.Line = n.Line
	return nil
}

// UnmarshalYAML accepts "log text" or {log: ..., cause: ...}.
func (e *Example) UnmarshalYAML(n *yaml.Node) error {
	type plain Example
	var p plain
	if n.Kind == yaml.ScalarNode {
		p.Log = n.Value
	} else if err := n.Decode(&p); err != nil {
		return err
	}
	*e = Example(p)
	e.Line = n.Line
	return nil
}

// UnmarshalYAML records the line of a group.
func (g *AllOfGroup) UnmarshalYAML(n *yaml.Node) error {
	type plain AllOfGroup
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*g = AllOfGroup(p)
	g.Line = n.Line
	return nil
}

// UnmarshalYAML records the line of a cause.
func (c *Cause) UnmarshalYAML(n *yaml.Node) error {
	type plain Cause
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*c = Cause(p)
	c.Line = n.Line
	return nil
}

// checkFields walks a YAML node against the Go type it will decode into and
// reports the first unknown field with its line and path. yaml.v3's
// KnownFields does not reach into custom unmarshalers, so the schema does
// its own check.
func checkFields(n *yaml.Node, t reflect.Type, path string) *FieldError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return checkFields(n.Content[0], t, path)
	case yaml.AliasNode:
		return checkFields(n.Alias, t, path)
	case yaml.SequenceNode:
		if t.Kind() != reflect.Slice {
			return &FieldError{Line: n.Line, Field: path, Msg: "is a list here; expected " + kindName(t)}
		}
		for i, c := range n.Content {
			if err := checkFields(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		if t.Kind() != reflect.Struct {
			return &FieldError{Line: n.Line, Field: path, Msg: "is a mapping here; expected " + kindName(t)}
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			name := joinPath(path, k.Value)
			if !ok {
				return &FieldError{Line: k.Line, Field: name, Msg: "is not a playbook field; known fields here: " + strings.Join(sortedKeys(fields), ", ")}
			}
			if err := checkFields(v, ft, name); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		// Shorthand scalars are allowed where the type has an unmarshaler.
		if t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
			return &FieldError{Line: n.Line, Field: path, Msg: "is a single value here; expected a mapping"}
		}
		if t.Kind() == reflect.Slice && n.Tag != "!!null" {
			return &FieldError{Line: n.Line, Field: path, Msg: "is a single value here; expected a list"}
		}
	}
	return nil
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	}
	return "a single value"
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

func sortedKeys(m map[string]reflect.Type) []string {
	return slices.Sorted(maps.Keys(m))
}
