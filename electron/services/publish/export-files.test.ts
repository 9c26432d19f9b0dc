/**
 * The files a fullstack export adds: Kubernetes manifests validated against the Kubernetes API
 * schemas (kubernetes-models), parsed back from the YAML Kiln writes; Compose and .env.example.
 */
import { createRequire } from 'node:module';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { dockerfile, fullstackExportFiles, imageName, kubernetesManifests, toYaml } from './export-files';

// js-yaml ships with the toolchain (electron-builder); only this test reads YAML back.
const { load: parseYaml } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

const ENV = ['DS_POSTGRES_7E8971C3__HOST', 'DS_POSTGRES_7E8971C3__PASSWORD'];

function file(name: string): string {
  const found = fullstackExportFiles('Sales “app”: v2', 'Sales App 2', ENV, 'python:3.11-slim').find((f) => f.name === name);
  if (!found) throw new Error(`${name} is not exported`);
  return found.content;
}

describe('export manifests', () => {
  it('writes a Deployment, Service and Secret that the Kubernetes schemas accept', () => {
    const deployment = parseYaml(file('k8s/deployment.yaml')) as object;
    const service = parseYaml(file('k8s/service.yaml')) as object;
    const secret = parseYaml(file('k8s/secret.yaml')) as { stringData: Record<string, string>; metadata: { name: string } };
    expect(() => new Deployment(deployment as ConstructorParameters<typeof Deployment>[0]).validate()).not.toThrow();
    expect(() => new Service(service as ConstructorParameters<typeof Service>[0]).validate()).not.toThrow();
    expect(() => new Secret(secret as ConstructorParameters<typeof Secret>[0]).validate()).not.toThrow();
    // The YAML says exactly what the objects say.
    const objects = kubernetesManifests('Sales App 2', ENV);
    expect(deployment).toEqual(objects.deployment);
    expect(service).toEqual(objects.service);
    expect(secret).toEqual(objects.secret);
  });

  it('lists the DS_* keys with empty values and wires them into the pod; names are valid DNS labels', () => {
    const m = kubernetesManifests('Sales App 2', ENV);
    const secret = m.secret as { metadata: { name: string }; stringData: Record<string, string> };
    expect(secret.stringData).toEqual({ DS_POSTGRES_7E8971C3__HOST: '', DS_POSTGRES_7E8971C3__PASSWORD: '' });
    const dep = m.deployment as { metadata: { name: string }; spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { envFrom: { secretRef: { name: string } }[] }[] } } } };
    expect(dep.spec.template.spec.containers[0]!.envFrom[0]!.secretRef.name).toBe(secret.metadata.name);
    const svc = m.service as { spec: { selector: Record<string, string> } };
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(dep.spec.template.metadata.labels[k]).toBe(v);
    expect(dep.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(imageName('Ünïcode___Name!')).toBe('n-code-name');
    // Without datasources there is no secret reference at all.
    const plain = kubernetesManifests('x', []).deployment as typeof dep;
    expect(plain.spec.template.spec.containers[0]).not.toHaveProperty('envFrom');
  });

  it('the schema check is real: a broken manifest is refused', () => {
    const m = kubernetesManifests('app', ENV).deployment as { spec: object };
    const broken = { ...m, spec: { ...m.spec, replicas: 'one' } };
    expect(() => new Deployment(broken as unknown as ConstructorParameters<typeof Deployment>[0]).validate()).toThrow();
  });

  it('writes docker-compose.yml with an env file, .env.example without values, and a README on build, push, apply', () => {
    const compose = parseYaml(file('docker-compose.yml')) as { services: { app: { build: string; env_file: string[]; ports: string[] } } };
    expect(compose.services.app).toMatchObject({ build: '.', env_file: ['.env'], ports: ['8000:8000'] });
    expect(file('.env.example')).toContain('DS_POSTGRES_7E8971C3__PASSWORD=\n');
    expect(file('.dockerignore')).toBe('.env\n');
    const readme = file('README.md');
    expect(readme).toContain('kubectl apply -f k8s/');
    expect(readme).toContain('docker push');
    expect(readme).toContain('docker compose up');
  });

  it('the Dockerfile takes the base image as a build argument and runs the launcher', () => {
    const d = dockerfile('python:3.12-slim');
    expect(d).toContain('ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}');
    expect(d).toContain('CMD ["python3", "/app/kiln/start.py"]');
    expect(toYaml({ a: 'x: y', b: [1, { c: true }], d: {} })).toBe('a: "x: y"\nb:\n  - 1\n  - c: true\nd: {}\n');
  });
});
