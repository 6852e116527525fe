import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain is pure: no AWS SDK, no environment, no clock, no I/O. Time is a parameter.
    files: ['lambda/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*'],
              message: 'lambda/domain is pure: talk to AWS through lambda/ports.',
            },
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'process', 'os', 'child_process'],
              message: 'lambda/domain does no I/O.',
            },
            {
              group: ['../adapters/*', '../ports/*', '../handler*', '../enforce*'],
              message: 'lambda/domain depends on nothing outside itself.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'lambda/domain reads no environment: take configuration as a parameter.' },
        { name: 'setTimeout', message: 'lambda/domain has no timers.' },
        { name: 'fetch', message: 'lambda/domain does no I/O.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'lambda/domain reads no clock: take `now` as a parameter.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'lambda/domain reads no clock: take `now` as a parameter.',
        },
        {
          selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']",
          message: 'lambda/domain reads no clock.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'lambda/domain is deterministic.',
        },
      ],
    },
  },
  {
    // The settings registry is read by the stack, the function and the CLI alike: zod and the domain's
    // constants only, no CDK, no AWS SDK, no environment.
    files: ['lambda/settings/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'],
              message: 'lambda/settings is read by the function too: CDK translation stays in lib.',
            },
            {
              group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', '@middy/*'],
              message: 'lambda/settings talks to no AWS service.',
            },
            {
              group: ['node:*', '../adapters/*', '../ports/*', '../run/*', '../*.js', '../../*'],
              message: 'lambda/settings depends on zod and lambda/domain only.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'lambda/settings reads no environment: the caller passes it in.' },
      ],
    },
  },
);
