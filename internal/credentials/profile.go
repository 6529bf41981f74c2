package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// DefaultConfigFile is where KooCLI (hcloud) keeps its profiles, under the
// user's home directory.
const DefaultConfigFile = "~/.hcloud/config.json"

// EncryptHint is the KooCLI command that makes it store keys in clear, so
// that other tools can read them.
const EncryptHint = "hcloud configure set --cli-auth-encrypt=false"

// Errors of LoadProfile, to be tested with errors.Is.
var (
	// ErrConfigFileMissing: the shared config file does not exist.
	ErrConfigFileMissing = errors.New("shared config file not found")
	// ErrUnknownProfile: the file has no profile of that name.
	ErrUnknownProfile = errors.New("profile not found")
	// ErrEncrypted: the profile's keys are stored encrypted by KooCLI.
	ErrEncrypted = errors.New("the keys are encrypted by KooCLI")
	// ErrMalformedConfig: the file is not KooCLI's JSON.
	ErrMalformedConfig = errors.New("malformed shared config file")
)

// Profile is one profile of the KooCLI shared config file.
type Profile struct {
	Name             string
	Mode             string // KooCLI's authentication mode, e.g. AKSK or ecsAgency
	AccessKey        string
	SecretKey        string
	SecurityToken    string
	Region           string
	ProjectID        string
	DomainID         string
	AgencyName       string
	AgencyDomainName string
	// Path is the file the profile was read from.
	Path string
}

// HasKeys reports whether the profile holds an access key and a secret key.
func (p Profile) HasKeys() bool { return p.AccessKey != "" && p.SecretKey != "" }

// Source names the profile for diagnostics and Value.Source.
func (p Profile) Source() string {
	return fmt.Sprintf("shared config file %s, profile %s", p.Path, p.Name)
}

// Value is the profile's keys as credentials.
func (p Profile) Value() Value {
	return Value{AccessKey: p.AccessKey, SecretKey: p.SecretKey, SecurityToken: p.SecurityToken, Source: p.Source()}
}

func profileError(sentinel error, format string, args ...any) error {
	return &wrapError{msg: fmt.Sprintf(format, args...), errs: []error{sentinel}}
}

// configFile is KooCLI's config.json; fields this package does not use
// are ignored.
type configFile struct {
	Current  string `json:"current"`
	Profiles []struct {
		Name             string `json:"name"`
		Mode             string `json:"mode"`
		AccessKeyID      string `json:"accessKeyId"`
		SecretAccessKey  string `json:"secretAccessKey"`
		SecurityToken    string `json:"securityToken"`
		Region           string `json:"region"`
		ProjectID        string `json:"projectId"`
		DomainID         string `json:"domainId"`
		AgencyName       string `json:"agencyName"`
		AgencyDomainName string `json:"agencyDomainName"`
	} `json:"profiles"`
}

// maxConfigFile caps what is read of the shared config file.
const maxConfigFile = 4 << 20

// ExpandPath resolves the shared config file's path: "" means
// DefaultConfigFile, and a leading ~/ is the user's home directory.
func ExpandPath(path string) (string, error) {
	if path == "" {
		path = DefaultConfigFile
	}
	if path == "~" || strings.HasPrefix(path, "~/") || strings.HasPrefix(path, `~\`) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the home directory for %s: %w", path, err)
		}
		path = filepath.Join(home, path[1:])
	}
	return path, nil
}

// LoadProfile reads a profile of the KooCLI shared config file at path
// ("" means ~/.hcloud/config.json). An empty profile name means the file's
// current profile. Errors name the file and the profile, say what to do,
// and wrap ErrConfigFileMissing, ErrUnknownProfile, ErrEncrypted or
// ErrMalformedConfig.
func LoadProfile(path, profile string) (Profile, error) {
	return loadProfile(path, profile, true)
}

// LoadProfileSettings reads a profile as LoadProfile does, for its region
// and project only: its keys are left out, so keys that KooCLI encrypted
// are no error here.
func LoadProfileSettings(path, profile string) (Profile, error) {
	p, err := loadProfile(path, profile, false)
	p.AccessKey, p.SecretKey, p.SecurityToken = "", "", ""
	return p, err
}

func loadProfile(path, profile string, withKeys bool) (Profile, error) {
	path, err := ExpandPath(path)
	if err != nil {
		return Profile{}, err
	}
	data, err := readConfig(path)
	if err != nil {
		return Profile{}, err
	}
	var cf configFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return Profile{}, profileError(ErrMalformedConfig, "shared config file %s is not KooCLI's JSON: %s; KooCLI writes this file with `hcloud configure init`",
			path, describeJSONError(data, err))
	}
	names := make([]string, 0, len(cf.Profiles))
	for _, p := range cf.Profiles {
		names = append(names, p.Name)
	}
	if len(names) == 0 {
		return Profile{}, profileError(ErrUnknownProfile, "shared config file %s has no profiles; create one with `hcloud configure init`", path)
	}
	name := profile
	if name == "" {
		name = cf.Current
		if name == "" && len(names) == 1 {
			name = names[0]
		}
		if name == "" {
			return Profile{}, profileError(ErrUnknownProfile, "shared config file %s names no current profile; choose one of: %s",
				path, strings.Join(names, ", "))
		}
	}
	for _, p := range cf.Profiles {
		if p.Name != name {
			continue
		}
		out := Profile{
			Name: p.Name, Mode: p.Mode,
			AccessKey: strings.TrimSpace(p.AccessKeyID), SecretKey: strings.TrimSpace(p.SecretAccessKey),
			SecurityToken: strings.TrimSpace(p.SecurityToken),
			Region:        p.Region, ProjectID: p.ProjectID, DomainID: p.DomainID,
			AgencyName: p.AgencyName, AgencyDomainName: p.AgencyDomainName,
			Path: path,
		}
		if !withKeys {
			return out, nil
		}
		if err := checkClear(out); err != nil {
			return Profile{}, err
		}
		return out, nil
	}
	which := fmt.Sprintf("profile %q", name)
	if profile == "" {
		which = fmt.Sprintf("the current profile %q", name)
	}
	return Profile{}, profileError(ErrUnknownProfile, "shared config file %s has no %s; profiles present: %s",
		path, which, strings.Join(names, ", "))
}

func readConfig(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, profileError(ErrConfigFileMissing, "shared config file %s does not exist; KooCLI writes it with `hcloud configure init`", path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading shared config file: %w", err)
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading shared config file %s: %w", path, err)
	}
	if len(data) > maxConfigFile {
		return nil, profileError(ErrMalformedConfig, "shared config file %s is larger than %d bytes", path, maxConfigFile)
	}
	return data, nil
}

// describeJSONError says where the JSON broke, as line and column.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return err.Error()
	}
	line, col := 1, 1
	for _, c := range data[:min(int(off), len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%v (line %d, column %d)", err, line, col)
}

var accessKeyPattern = regexp.MustCompile(`^[A-Z0-9]{16,40}$`)

// checkClear refuses keys that KooCLI stored encrypted: an access key that
// is not 16 to 40 characters of A-Z and 0-9, or a secret key that is not
// printable ASCII without spaces. The message never shows the keys.
func checkClear(p Profile) error {
	var bad []string
	if p.AccessKey != "" && !accessKeyPattern.MatchString(p.AccessKey) {
		bad = append(bad, "access key")
	}
	if p.SecretKey != "" && !printableNoSpace(p.SecretKey) {
		bad = append(bad, "secret key")
	}
	if len(bad) == 0 {
		return nil
	}
	verb := "looks"
	if len(bad) > 1 {
		verb = "look"
	}
	return profileError(ErrEncrypted, "%s: the %s %s encrypted: KooCLI encrypts keys unless `%s` was run; run it, then set the profile's keys again (`hcloud configure set --cli-profile=%s --cli-access-key=... --cli-secret-key=...`), or give the keys another way",
		p.Source(), strings.Join(bad, " and "), verb, EncryptHint, p.Name)
}

func printableNoSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
