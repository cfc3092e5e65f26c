// Command arcdiag-otelcol is an OpenTelemetry Collector with only what
// config.yaml needs: the file_log receiver that reads arcdiag's NDJSON
// output, the file_storage extension that keeps its read offsets across
// restarts, and the debug, OTLP gRPC and OTLP HTTP exporters. Any
// collector distribution with these components (otelcol-contrib has them)
// runs config.yaml as well; this one is what the test starts in-process.
package main

import (
	"log"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/debugexporter"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"
)

func main() {
	info := component.BuildInfo{Command: "arcdiag-otelcol", Description: "OpenTelemetry Collector for arcdiag's NDJSON output", Version: "0.165.0"}
	cmd := otelcol.NewCommand(settings(info, components, nil))
	if err := cmd.Execute(); err != nil {
		log.Fatal(err)
	}
}

// settings reads the configuration from files (--config) with ${env:NAME}
// expanded, so one config.yaml serves every machine.
func settings(info component.BuildInfo, factories func() (otelcol.Factories, error), uris []string) otelcol.CollectorSettings {
	return otelcol.CollectorSettings{
		BuildInfo: info,
		Factories: factories,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{
			ResolverSettings: confmap.ResolverSettings{
				URIs:              uris,
				ProviderFactories: []confmap.ProviderFactory{fileprovider.NewFactory(), envprovider.NewFactory()},
			},
		},
	}
}

// components are the receivers, extensions and exporters config.yaml may
// name; extra exporters replace the shipped ones (the test's sink).
func components() (otelcol.Factories, error) {
	return componentsWith(debugexporter.NewFactory(), otlpexporter.NewFactory(), otlphttpexporter.NewFactory())
}

func componentsWith(exporters ...exporter.Factory) (otelcol.Factories, error) {
	var f otelcol.Factories
	var err error
	if f.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](filelogreceiver.NewFactory()); err != nil {
		return f, err
	}
	if f.Extensions, err = otelcol.MakeFactoryMap[extension.Factory](filestorage.NewFactory()); err != nil {
		return f, err
	}
	if f.Exporters, err = otelcol.MakeFactoryMap(exporters...); err != nil {
		return f, err
	}
	f.Telemetry = otelconftelemetry.NewFactory()
	return f, nil
}
