# otelcol-faultline: the OpenTelemetry Collector distribution with the
# faultline processor and connector, built from builder-config.yaml.
# Multi-stage: the builder stage runs the OpenTelemetry Collector Builder;
# the final image is distroless, non-root, and needs no shell.
FROM golang:1.26 AS build
WORKDIR /src
COPY . .
RUN go run go.opentelemetry.io/collector/cmd/builder@v0.158.0 --config builder-config.yaml

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/otelcol-faultline-src/otelcol-faultline /otelcol-faultline
COPY deploy/collector/node-agent.yaml /etc/otelcol-faultline/config.yaml
USER 65532:65532
EXPOSE 4317 4318 9464 13133
ENTRYPOINT ["/otelcol-faultline"]
CMD ["--config", "/etc/otelcol-faultline/config.yaml"]
