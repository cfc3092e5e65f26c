package main

import "testing"

func TestLearnPath(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"articles/azure-arc/servers/manage-agent-proxy-settings.md", "azure/azure-arc/servers/manage-agent-proxy-settings", true},
		{"articles/azure-arc/servers/index.yml", "azure/azure-arc/servers", true},
		{"articles/azure-arc/index.yml", "azure/azure-arc", true},
		{"articles/azure-arc/servers/includes/network-requirements.md", "", false},
		{"articles/azure-arc/servers/media/agent-overview/connected-machine-agent.png", "", false},
		{"articles/azure-arc/servers/toc.yml", "", false},
		{"articles/azure-arc/TOC.yml", "", false},
		{"articles/automation/overview.md", "", false},
	} {
		got, ok := learnPath(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("learnPath(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
