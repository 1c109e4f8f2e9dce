# Build a static convivo binary, then run it as a non-root user on a
# minimal image with the time zone database.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/convivo ./cmd/convivo

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tzdata ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/convivo --create-home convivo
COPY --from=build /out/convivo /usr/local/bin/convivo
USER convivo
WORKDIR /var/lib/convivo
ENV CONVIVO_DATA=/var/lib/convivo/convivo.db TZ=Europe/Rome
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/convivo"]
CMD ["serve"]
