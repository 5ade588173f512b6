package client

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// sdkLogger passes the SDK's messages to a slog.Logger: WARN as Warn,
// everything else as Debug.
type sdkLogger struct{ l *slog.Logger }

func (s sdkLogger) Logf(c logging.Classification, format string, v ...any) {
	s.log(context.Background(), c, format, v...)
}

// WithContext keeps the operation's context for the handler (trace ids).
func (s sdkLogger) WithContext(ctx context.Context) logging.Logger {
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) { s.log(ctx, c, format, v...) })
}

func (s sdkLogger) log(ctx context.Context, c logging.Classification, format string, v ...any) {
	level := slog.LevelDebug
	if c == logging.Warn {
		level = slog.LevelWarn
	}
	s.l.Log(ctx, level, fmt.Sprintf(format, v...), "source", "aws-sdk-go-v2")
}

// logOperations adds one Debug record per operation, outside the retry
// loop: what was asked, how it ended, after how many attempts.
func logOperations(l *slog.Logger) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("qcliLogOperation",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				start := time.Now()
				out, md, err := next.HandleInitialize(ctx, in)
				attrs := []slog.Attr{slog.String("op", awsmiddleware.GetOperationName(ctx)),
					slog.String("bucket", stringField(in.Parameters, "Bucket")), slog.String("key", stringField(in.Parameters, "Key")),
					slog.Int("status", responseStatus(md, err)), slog.Duration("duration", time.Since(start))}
				if r, ok := retry.GetAttemptResults(md); ok {
					attrs = append(attrs, slog.Int("attempts", len(r.Results)))
				}
				if err != nil {
					attrs = append(attrs, slog.String("error", err.Error()))
				}
				l.LogAttrs(ctx, slog.LevelDebug, "s3 operation", attrs...)
				return out, md, err
			}), middleware.Before)
	}
}

// responseStatus is the final answer's HTTP status, or 0 when none came.
func responseStatus(md middleware.Metadata, err error) int {
	if resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok && resp != nil {
		return resp.StatusCode
	}
	return statusOf(err)
}

// stringField reads a *string field of an SDK input struct (Bucket, Key),
// which the SDK's input types share by name but not by interface.
func stringField(params any, name string) string {
	v := reflect.ValueOf(params)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() || f.Elem().Kind() != reflect.String {
		return ""
	}
	return f.Elem().String()
}

// warn sends a Warn record to Config.Logger, when there is one: for what
// went wrong beside a call that itself succeeded.
func (c *Client) warn(ctx context.Context, msg, bucket, key string, err error) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("bucket", bucket), slog.String("key", key), slog.String("error", err.Error()))
	}
}
