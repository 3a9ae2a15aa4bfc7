# The mati container image: docker build -t mati . (or --build-arg VERSION=v1.2.3)
# Stage 1 builds mati with cgo (the Python parser is tree-sitter, in C) on the
# Go image's Debian 12; stage 2 is distroless Debian 12 (glibc and CA
# certificates, no shell, no package manager), running as the nonroot user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/mati ./cmd/mati \
 && /out/mati version

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/mati /usr/local/bin/mati
USER nonroot:nonroot
ENTRYPOINT ["mati"]
CMD ["--help"]
