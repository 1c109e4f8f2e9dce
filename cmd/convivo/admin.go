package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/convivo/convivo/housing"
)

// The admin socket lets the command line work while `convivo serve` holds
// the embedded store's file: commands that find the file locked send their
// command line to the running service over a Unix socket beside the data
// file, which runs it on its own store and sends back the output. The
// socket is created with mode 0600, so file permissions are the
// authentication: only the user running the service can use it.

// errForward tells run to send the command to the running service.
var errForward = errors.New("store held by a running convivo serve")

// adminRequest is one command sent over the socket.
type adminRequest struct {
	Args  []string `json:"args"`
	Stdin []byte   `json:"stdin,omitempty"`
}

// adminResponse is the command's outcome.
type adminResponse struct {
	Code   int    `json:"code"`
	Stdout []byte `json:"stdout"`
	Stderr []byte `json:"stderr"`
}

// adminSocket returns the socket path for a data file.
func adminSocket(dataPath string) string { return dataPath + ".sock" }

// maxAdminStdin bounds what a forwarded command may read from stdin.
const maxAdminStdin = 64 << 20

// forward sends e's command line to the service holding the data file and
// relays its output and exit status.
func forward(ctx context.Context, e *env) int {
	sock := adminSocket(e.cfg.DataPath)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		fmt.Fprintf(e.stderr, "convivo: %s is in use by a running convivo serve, and its admin socket %s does not answer (%v); stop the service or retry\n", e.cfg.DataPath, sock, err)
		return exitError
	}
	defer conn.Close()
	req := adminRequest{Args: absArgs(e.args)}
	if f, ok := e.stdin.(*os.File); !ok || !isTerminal(f) {
		if req.Stdin, err = io.ReadAll(io.LimitReader(e.stdin, maxAdminStdin)); err != nil {
			fmt.Fprintf(e.stderr, "convivo: read stdin: %v\n", err)
			return exitError
		}
	}
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		fmt.Fprintf(e.stderr, "convivo: send to the running service: %v\n", err)
		return exitError
	}
	var resp adminResponse
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&resp); err != nil {
		fmt.Fprintf(e.stderr, "convivo: read from the running service: %v\n", err)
		return exitError
	}
	e.stdout.Write(resp.Stdout)
	e.stderr.Write(resp.Stderr)
	return resp.Code
}

// absArgs makes arguments that name existing files absolute, so the
// service finds them whatever its working directory.
func absArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if st, err := os.Stat(a); err == nil && st.Mode().IsRegular() {
			if abs, err := filepath.Abs(a); err == nil {
				out[i] = abs
			}
		}
	}
	return out
}

// isTerminal reports whether f is a character device (a terminal), from
// which a forwarded command must not try to read.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// adminServer answers forwarded commands on the socket until ctx ends.
type adminServer struct {
	path   string
	store  housing.Store
	getenv func(string) string
	logger *slog.Logger
}

// Run listens on the socket and serves one command per connection.
func (a *adminServer) Run(ctx context.Context) error {
	_ = os.Remove(a.path) // a socket left by a crash
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "unix", a.path)
	if err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(a.path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("admin socket: %w", err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	defer os.Remove(a.path)
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("admin socket: %w", err)
		}
		a.serve(ctx, conn)
	}
}

// serve runs one forwarded command. Commands run one at a time, which keeps
// operator actions simple to reason about.
func (a *adminServer) serve(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Minute))
	var req adminRequest
	if err := json.NewDecoder(io.LimitReader(conn, maxAdminStdin*2)).Decode(&req); err != nil || len(req.Args) < 2 {
		a.logger.Warn("admin socket: bad request", slog.Any("err", err))
		return
	}
	var out, errb bytes.Buffer
	code := exitUsage
	if req.Args[1] == "serve" || req.Args[1] == "demo" {
		fmt.Fprintf(&errb, "convivo: %s cannot run through the admin socket\n", req.Args[1])
	} else {
		code = runWith(ctx, req.Args, a.getenv, bytes.NewReader(req.Stdin), &out, &errb, a.store)
	}
	a.logger.Info("admin command", slog.String("command", req.Args[1]), slog.Int("code", code))
	_ = json.NewEncoder(conn).Encode(adminResponse{Code: code, Stdout: out.Bytes(), Stderr: errb.Bytes()})
}
