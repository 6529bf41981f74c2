package credentials

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func nothing(why error) func(context.Context) (Provider, bool, error) {
	return func(context.Context) (Provider, bool, error) { return nil, false, why }
}

func TestChainTakesTheFirstSourceThatGives(t *testing.T) {
	var asked []string
	source := func(name string, p Provider) Source {
		return Source{Name: name, Get: func(context.Context) (Provider, bool, error) {
			asked = append(asked, name)
			return p, p != nil, nil
		}}
	}
	env := Static(Value{AccessKey: "ENVKEY00000000000001", SecretKey: "s", Source: "environment"})
	profile := Static(Value{AccessKey: "PROFILEKEY0000000001", SecretKey: "s", Source: "profile"})
	p, err := Chain(context.Background(), source("provider block", nil), source("environment", env), source("profile", profile))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := p.Retrieve(context.Background())
	if v.Source != "environment" || strings.Join(asked, ",") != "provider block,environment" {
		t.Fatalf("got %v, asked %v", v, asked)
	}
}

func TestChainStopsAtAConfiguredButBrokenSource(t *testing.T) {
	var metadataAsked bool
	_, err := Chain(context.Background(),
		Source{Name: "environment", Get: nothing(nil)},
		Source{Name: "shared config file", Get: func(context.Context) (Provider, bool, error) {
			return nil, true, ErrEncrypted
		}},
		Source{Name: "ECS metadata", Get: func(context.Context) (Provider, bool, error) {
			metadataAsked = true
			return nil, false, nil
		}},
	)
	if !errors.Is(err, ErrEncrypted) || errors.Is(err, ErrNoCredentials) || metadataAsked ||
		!strings.HasPrefix(err.Error(), "credentials from shared config file: ") {
		t.Fatalf("err %v, metadata asked %v", err, metadataAsked)
	}
}

func TestChainListsEverySourceTried(t *testing.T) {
	_, err := Chain(context.Background(),
		Source{Name: "provider block", How: "set access_key and secret_key in the provider block", Get: nothing(nil)},
		Source{Name: "environment", How: "set HW_ACCESS_KEY and HW_SECRET_KEY", Get: nothing(errors.New("HW_ACCESS_KEY is set but HW_SECRET_KEY is not"))},
		Source{Name: "shared config file", How: "run `hcloud configure init`, or set shared_config_file and profile.", Get: nothing(errors.New("shared config file /home/me/.hcloud/config.json does not exist."))},
		Source{Name: "ECS metadata", How: "run on an ECS instance with an agency attached", Get: nothing(errors.New("the ECS metadata service at http://169.254.169.254 did not answer (i/o timeout)"))},
	)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err %v", err)
	}
	var nc *NoCredentialsError
	if !errors.As(err, &nc) || len(nc.Tried) != 4 || nc.Tried[0].Why != nil || nc.Tried[3].Name != "ECS metadata" {
		t.Fatalf("tried %+v", nc)
	}
	want := `no credentials found; tried, in this order:
  1. provider block: not configured. To use it: set access_key and secret_key in the provider block.
  2. environment: HW_ACCESS_KEY is set but HW_SECRET_KEY is not. To use it: set HW_ACCESS_KEY and HW_SECRET_KEY.
  3. shared config file: shared config file /home/me/.hcloud/config.json does not exist. To use it: run ` + "`hcloud configure init`" + `, or set shared_config_file and profile.
  4. ECS metadata: the ECS metadata service at http://169.254.169.254 did not answer (i/o timeout). To use it: run on an ECS instance with an agency attached.`
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
}

func TestChainStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var later bool
	_, err := Chain(ctx,
		Source{Name: "ECS metadata", Get: func(context.Context) (Provider, bool, error) {
			cancel()
			return nil, false, context.Canceled
		}},
		Source{Name: "after", Get: func(context.Context) (Provider, bool, error) { later = true; return nil, false, nil }},
	)
	if !errors.Is(err, context.Canceled) || later || errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err %v, later %v", err, later)
	}
}
