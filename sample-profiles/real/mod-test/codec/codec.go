// Package codec reads and writes the deployment manifests of example.com/x with
// gopkg.in/yaml.v2. It is a thin wrapper: all the work is yaml.v2's.
package codec

import "gopkg.in/yaml.v2"

type Port struct {
	Name     string `yaml:"name"`
	Port     int    `yaml:"port"`
	Protocol string `yaml:"protocol,omitempty"`
}

type Probe struct {
	Path          string `yaml:"path"`
	Port          int    `yaml:"port"`
	PeriodSeconds int    `yaml:"period_seconds"`
	Timeout       string `yaml:"timeout"`
}

type Resources struct {
	CPU    string `yaml:"cpu"`
	Memory string `yaml:"memory"`
}

type Container struct {
	Name      string            `yaml:"name"`
	Image     string            `yaml:"image"`
	Args      []string          `yaml:"args,omitempty"`
	Env       map[string]string `yaml:"env,omitempty"`
	Ports     []Port            `yaml:"ports,omitempty"`
	Requests  Resources         `yaml:"requests"`
	Limits    Resources         `yaml:"limits"`
	Liveness  *Probe            `yaml:"liveness,omitempty"`
	Readiness *Probe            `yaml:"readiness,omitempty"`
}

type Manifest struct {
	Name       string            `yaml:"name"`
	Namespace  string            `yaml:"namespace"`
	Version    string            `yaml:"version"`
	Replicas   int               `yaml:"replicas"`
	Labels     map[string]string `yaml:"labels,omitempty"`
	Containers []Container       `yaml:"containers"`
	Volumes    []string          `yaml:"volumes,omitempty"`
}

// Decode reads a manifest into m.
func Decode(data []byte, m *Manifest) error {
	return yaml.UnmarshalStrict(data, m)
}

// Encode writes m as YAML.
func Encode(m *Manifest) ([]byte, error) {
	return yaml.Marshal(m)
}
