package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of docker-compose.yml the deployment relies on.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		EnvFile     any               `yaml:"env_file"`
		Environment map[string]string `yaml:"environment"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Build struct {
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	redis, ok := c.Services["redis"]
	if !ok {
		t.Fatal("no redis service")
	}
	if !strings.HasPrefix(redis.Image, "redis:7") {
		t.Errorf("redis image = %q; want redis:7", redis.Image)
	}
	cmd := strings.Join(redis.Command, " ")
	for _, want := range []string{"--appendonly yes", "--appendfsync always"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("redis command %q lacks %q", cmd, want)
		}
	}
	if len(redis.Ports) != 0 {
		t.Errorf("redis publishes ports %v; it must stay off the host network", redis.Ports)
	}
	if len(redis.Volumes) == 0 || !strings.HasSuffix(redis.Volumes[0], ":/data") {
		t.Errorf("redis volumes = %v; want a volume on /data", redis.Volumes)
	}
	if len(redis.Healthcheck.Test) == 0 {
		t.Error("redis has no healthcheck")
	}
	app, ok := c.Services["convivo"]
	if !ok {
		t.Fatal("no convivo service")
	}
	if app.DependsOn["redis"].Condition != "service_healthy" {
		t.Errorf("convivo depends on redis with condition %q; want service_healthy", app.DependsOn["redis"].Condition)
	}
	if app.EnvFile == nil || !strings.HasPrefix(app.Environment["CONVIVO_REDIS_URL"], "redis://redis:") {
		t.Errorf("convivo env_file %v, CONVIVO_REDIS_URL %q; want .env and the compose redis", app.EnvFile, app.Environment["CONVIVO_REDIS_URL"])
	}
	if app.Build.Dockerfile != "Dockerfile" || !slices.Contains(app.Command, "serve") {
		t.Errorf("convivo build %q command %v; want the Dockerfile and serve", app.Build.Dockerfile, app.Command)
	}
	for _, p := range app.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("convivo publishes %q on every interface; bind it to 127.0.0.1", p)
		}
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	if strings.Count("\n"+df, "\nFROM ") < 2 {
		t.Error("Dockerfile is not multi-stage")
	}
	for _, want := range []string{"CGO_ENABLED=0", "tzdata", "USER convivo"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// TestEnvExample: every CONVIVO_ variable the code reads is in
// .env.example or deliberately left to compose (the Redis URL, the
// listener) or to local use (the data path).
func TestEnvExample(t *testing.T) {
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	fromCompose := []string{"CONVIVO_REDIS_URL", "CONVIVO_LISTEN", "CONVIVO_DATA", "CONVIVO_REDIS_NAMESPACE"}
	for _, m := range regexp.MustCompile(`"(CONVIVO_[A-Z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(fromCompose, m[1]) && !strings.Contains(string(example), m[1]+"=") {
			t.Errorf(".env.example does not mention %s", m[1])
		}
	}
}
