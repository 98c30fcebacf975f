package clients

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Settings is what a driver's environment says about reaching KMS.
type Settings struct {
	AccessKeyID     string
	SecretAccessKey string
	Region          string
	// HTTPSProxy is the forward proxy URL for HTTPS_PROXY; empty means none.
	HTTPSProxy string
	// CABundle is a PEM file of extra trusted roots (AWS_CA_BUNDLE,
	// NODE_EXTRA_CA_CERTS); empty means the system roots only.
	CABundle string
	// Extra are further "KEY=value" entries, e.g. AWS_RETRY_MODE.
	Extra []string
}

// Environ returns a complete driver environment for s. dir must be a private
// directory: empty AWS config and credentials files are written there so
// that no profile on the machine can change the client's settings.
func Environ(s Settings, dir string) ([]string, error) {
	config := filepath.Join(dir, "aws-config")
	credentials := filepath.Join(dir, "aws-credentials")
	for _, f := range []string{config, credentials} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			return nil, fmt.Errorf("driver environment: %w", err)
		}
	}
	var env []string
	// Inherit only what finds programs (PATH; HOME for pyenv's shims) and the
	// locale. Everything else, notably AWS_*, *_PROXY and NO_PROXY, comes from
	// s or stays unset.
	for _, name := range []string{"PATH", "HOME", "PYENV_ROOT", "PYENV_VERSION", "LANG", "LC_ALL", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	env = append(env,
		"AWS_ACCESS_KEY_ID="+s.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+s.SecretAccessKey,
		"AWS_REGION="+s.Region,
		"AWS_DEFAULT_REGION="+s.Region,
		"AWS_CONFIG_FILE="+config,
		"AWS_SHARED_CREDENTIALS_FILE="+credentials,
		// Never ask the instance metadata service: that address is off loopback.
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	)
	if s.HTTPSProxy != "" {
		env = append(env, "HTTPS_PROXY="+s.HTTPSProxy, "https_proxy="+s.HTTPSProxy)
	}
	if s.CABundle != "" {
		env = append(env, "AWS_CA_BUNDLE="+s.CABundle, "NODE_EXTRA_CA_CERTS="+s.CABundle)
	}
	for _, kv := range s.Extra {
		if !strings.Contains(kv, "=") {
			return nil, fmt.Errorf("driver environment: %q is not KEY=value", kv)
		}
		env = append(env, kv)
	}
	return env, nil
}
