package clients

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Installed is a real client found on this machine, run through its driver.
type Installed struct {
	// Name is "aws-sdk-go-v2", "boto3", "aws-cli-v1", "aws-cli-v2", "aws-sdk-js-v3" or "aws-sdk-java-v2".
	Name string
	// Version is what the client reports, e.g. "2.9.19"; empty if not asked.
	Version string
	argv    []string
}

// Driver returns the driver for c running with the complete environment env.
func (c Installed) Driver(env []string) Driver {
	return Driver{Name: c.Name, Argv: c.argv, Env: env}
}

// NotInstalledError says which client is missing and how to install it.
type NotInstalledError struct {
	Client string
	Reason string
	Remedy string
}

func (e *NotInstalledError) Error() string {
	return fmt.Sprintf("%s is not installed (%s); %s", e.Client, e.Reason, e.Remedy)
}

const depsRemedy = "run `make deps` (scripts/install-deps.sh)"

// GoDriver builds the aws-sdk-go-v2 driver (clients/go/driver) from the
// module under root, with the SDK versions its go.mod pins, and returns it.
// $KMSCONFORM_GO_DRIVER names a prebuilt driver instead. The binary goes to
// the user's cache directory; each build is renamed into place, so runs that
// build at once each start a complete binary.
func GoDriver(ctx context.Context, root string) (Installed, error) {
	const name = "aws-sdk-go-v2"
	installed := func(bin string) Installed {
		return Installed{Name: name, Version: aws.SDKVersion, argv: []string{bin}}
	}
	if bin := os.Getenv("KMSCONFORM_GO_DRIVER"); bin != "" {
		return installed(bin), nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return Installed{}, &NotInstalledError{name, "the go command is not on PATH to build clients/go/driver", "install Go, or build the driver (go build ./clients/go/driver) and set KMSCONFORM_GO_DRIVER"}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "kmsconform")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Installed{}, fmt.Errorf("go driver: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "go-driver-*.tmp")
	if err != nil {
		return Installed{}, fmt.Errorf("go driver: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	build := exec.CommandContext(ctx, goCmd, "build", "-o", tmp.Name(), "./clients/go/driver")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return Installed{}, &NotInstalledError{name, fmt.Sprintf("go build ./clients/go/driver: %v: %s", err, lastLines(string(out), 5)), "fix the build, or set KMSCONFORM_GO_DRIVER"}
	}
	bin := filepath.Join(dir, "go-driver")
	if err := os.Rename(tmp.Name(), bin); err != nil {
		return Installed{}, fmt.Errorf("go driver: %w", err)
	}
	return installed(bin), nil
}

// PythonVenv is where `make deps` installs the pinned Python clients
// (clients/python/requirements.txt), relative to the repository root.
const PythonVenv = "clients/python/.venv"

const venvRemedy = depsRemedy + " (it installs clients/python/requirements.txt into " + PythonVenv + ")"

// venvPython returns the pinned virtual environment's interpreter under root
// if it can import module.
func venvPython(ctx context.Context, root, module string) (string, error) {
	python := filepath.Join(root, PythonVenv, "bin", "python3")
	if _, err := os.Stat(python); err != nil {
		return "", fmt.Errorf("no %s", filepath.Join(PythonVenv, "bin", "python3"))
	}
	if _, err := output(ctx, python, "-c", "import "+module); err != nil {
		return "", err
	}
	return python, nil
}

// Boto3 returns the boto3 driver under root (the repository root), run by
// the pinned virtual environment's python3.
func Boto3(ctx context.Context, root string) (Installed, error) {
	python, err := venvPython(ctx, root, "boto3")
	if err != nil {
		return Installed{}, &NotInstalledError{"boto3", err.Error(), venvRemedy}
	}
	version, err := output(ctx, python, "-c", "import boto3; print(boto3.__version__)")
	if err != nil {
		return Installed{}, &NotInstalledError{"boto3", err.Error(), venvRemedy}
	}
	return Installed{Name: "boto3", Version: version, argv: []string{python, filepath.Join(root, "clients", "python", "boto3_driver.py")}}, nil
}

// AWSCLI finds an AWS CLI of the given major version (1 or 2) and returns
// its driver under root. $KMSCONFORM_AWS_V1 / $KMSCONFORM_AWS_V2 name the
// binary; otherwise CLI v1 is the pinned virtual environment's `aws`, and for
// v2 every `aws` on PATH and /usr/bin/aws is asked its version.
func AWSCLI(ctx context.Context, root string, major int) (Installed, error) {
	name := fmt.Sprintf("aws-cli-v%d", major)
	remedy := depsRemedy + " (Debian's awscli package is CLI v2)"
	if major == 1 {
		remedy = venvRemedy
	}
	// The driver parses the CLI's log with botocore's KMS model, so it needs python3 with botocore.
	python, err := venvPython(ctx, root, "botocore")
	if err != nil {
		return Installed{}, &NotInstalledError{name, "the CLI driver needs it: " + err.Error(), venvRemedy}
	}
	overrideVar := fmt.Sprintf("KMSCONFORM_AWS_V%d", major)
	candidates := awsCandidates(overrideVar)
	if major == 1 && os.Getenv(overrideVar) == "" {
		candidates = []string{filepath.Join(root, PythonVenv, "bin", "aws")}
	}
	versionRE := regexp.MustCompile(`aws-cli/(\d+)\.(\S+)`)
	var seen []string
	for _, aws := range candidates {
		out, err := output(ctx, aws, "--version")
		if err != nil {
			seen = append(seen, fmt.Sprintf("%s: %v", aws, err))
			continue
		}
		m := versionRE.FindStringSubmatch(out)
		if m == nil || m[1] != fmt.Sprint(major) {
			seen = append(seen, fmt.Sprintf("%s is %q", aws, out))
			continue
		}
		return Installed{Name: name, Version: m[1] + "." + m[2],
			argv: []string{python, filepath.Join(root, "clients", "cli", "awscli_driver.py"), "--aws", resolveShim(ctx, aws)}}, nil
	}
	reason := "no aws binary found"
	if len(seen) > 0 {
		reason = "none of: " + strings.Join(seen, "; ")
	}
	return Installed{}, &NotInstalledError{name, reason, remedy}
}

// JavaScript finds node and the driver's installed npm packages under root.
func JavaScript(ctx context.Context, root string) (Installed, error) {
	const name = "aws-sdk-js-v3"
	node, err := exec.LookPath("node")
	if err != nil {
		return Installed{}, &NotInstalledError{name, "node not on PATH", depsRemedy + " after installing Node.js 20+"}
	}
	dir := filepath.Join(root, "clients", "js")
	pkg, err := os.ReadFile(filepath.Join(dir, "node_modules", "@aws-sdk", "client-kms", "package.json"))
	if err != nil {
		return Installed{}, &NotInstalledError{name, "clients/js/node_modules is missing", depsRemedy + " (it runs npm ci in clients/js)"}
	}
	version := ""
	if m := regexp.MustCompile(`"version":\s*"([^"]+)"`).FindSubmatch(pkg); m != nil {
		version = string(m[1])
	}
	return Installed{Name: name, Version: version, argv: []string{node, filepath.Join(dir, "driver.mjs")}}, nil
}

// Java returns the AWS SDK for Java v2 driver under root, which `make deps`
// builds with Maven (clients/java: classes in target/classes, the pinned
// runtime jars in target/dependency), run by the java on PATH.
func Java(ctx context.Context, root string) (Installed, error) {
	const name = "aws-sdk-java-v2"
	remedy := depsRemedy + " (it runs `mvn -B package` in clients/java)"
	java, err := exec.LookPath("java")
	if err != nil {
		return Installed{}, &NotInstalledError{name, "java not on PATH", remedy + " after installing a JDK 17+ and Maven"}
	}
	target := filepath.Join(root, "clients", "java", "target")
	if _, err := os.Stat(filepath.Join(target, "classes", "kmsconform", "Driver.class")); err != nil {
		return Installed{}, &NotInstalledError{name, "clients/java is not built", remedy}
	}
	jars, _ := filepath.Glob(filepath.Join(target, "dependency", "kms-*.jar"))
	if len(jars) != 1 {
		return Installed{}, &NotInstalledError{name, fmt.Sprintf("clients/java/target/dependency holds %d kms jars, want 1", len(jars)), remedy}
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(jars[0]), "kms-"), ".jar")
	classpath := filepath.Join(target, "classes") + string(os.PathListSeparator) + filepath.Join(target, "dependency", "*")
	// One JVM per call: the client compiler only and the serial collector
	// start it fastest, and a call is too short for either to matter.
	return Installed{Name: name, Version: version, argv: []string{java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
		"-cp", classpath, "kmsconform.Driver"}}, nil
}

// awsCandidates lists the AWS CLI binaries worth asking, the override first.
func awsCandidates(overrideVar string) []string {
	if v := os.Getenv(overrideVar); v != "" {
		return []string{v}
	}
	var found []string
	add := func(p string) {
		for _, f := range found {
			if f == p {
				return
			}
		}
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			found = append(found, p)
		}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir != "" {
			add(filepath.Join(dir, "aws"))
		}
	}
	add("/usr/bin/aws")
	return found
}

// pyenvShim matches the last line of a pyenv shim, naming pyenv itself.
var pyenvShim = regexp.MustCompile(`(?m)^exec "([^"\n]+/pyenv)" exec "\$program"`)

// resolveShim returns the program a pyenv shim would run, or path itself
// when it is not one. A shim runs several shell processes to pick a Python
// version each time it starts, which costs a retry scenario a tenth of a
// second of CPU, twice per CLI call; the version it picks is the same for
// the whole run.
func resolveShim(ctx context.Context, path string) string {
	head := make([]byte, 1024)
	f, err := os.Open(path)
	if err != nil {
		return path
	}
	n, _ := f.Read(head)
	f.Close()
	m := pyenvShim.FindSubmatch(head[:n])
	if m == nil {
		return path
	}
	real, err := output(ctx, string(m[1]), "which", filepath.Base(path))
	if err != nil || !filepath.IsAbs(real) {
		return path
	}
	return real
}

// output runs a short probe command and returns its trimmed combined output.
func output(ctx context.Context, name string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		err = fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
		if text := strings.TrimSpace(string(out)); text != "" {
			err = fmt.Errorf("%w: %s", err, lastLines(text, 3))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
