export { default } from '@/features/shell/html';
